public import Foundation
import GRDB
public import SignetMarket

/// Trust protocol versions in the embedded SQLite database.
public struct SQLiteProtocolStorage: ProtocolStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func propose(_ version: ProtocolVersion) async throws -> Bool {
        try await !statements.write(
            """
            INSERT INTO protocol_versions (version, document, content_id, proposed_at, effective_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (version) DO NOTHING RETURNING 1
            """,
            [version.version, String(decoding: try version.rules.canonicalJSON(), as: UTF8.self), version.contentID,
             version.proposedAt.timeIntervalSince1970, version.effectiveAt.timeIntervalSince1970]) { _ in true }.isEmpty
    }

    public func versions() async throws -> [ProtocolVersion] {
        try statements.read("SELECT \(Self.columns) FROM protocol_versions ORDER BY version", [], row: Self.version(from:))
    }

    public func activate(version: Int, at date: Date) async throws -> ProtocolVersion? {
        try await statements.write(
            """
            UPDATE protocol_versions SET activated_at = ?1 WHERE version = ?2 AND activated_at IS NULL AND effective_at <= ?1
              AND NOT EXISTS (SELECT 1 FROM protocol_versions WHERE activated_at IS NOT NULL AND version > ?2)
            RETURNING \(Self.columns)
            """,
            [date.timeIntervalSince1970, version], row: Self.version(from:)).first
    }

    static let columns = "document, content_id, proposed_at, effective_at, activated_at"

    @Sendable static func version(from row: Row) throws -> ProtocolVersion? {
        guard let document = try row.value("document", as: String.self), let contentID = try row.value("content_id", as: String.self),
              let proposed = try row.value("proposed_at", as: Double.self), let effective = try row.value("effective_at", as: Double.self)
        else { return nil }
        return ProtocolVersion(rules: try TrustProtocol(json: Array(document.utf8)), contentID: contentID,
                               proposedAt: Date(timeIntervalSince1970: proposed), effectiveAt: Date(timeIntervalSince1970: effective),
                               activatedAt: try row.value("activated_at", as: Double.self).map(Date.init(timeIntervalSince1970:)))
    }
}
