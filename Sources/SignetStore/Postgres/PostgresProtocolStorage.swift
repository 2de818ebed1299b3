public import Foundation
import PostgresNIO
public import SignetMarket

/// Trust protocol versions in PostgreSQL.
public struct PostgresProtocolStorage: ProtocolStorage, PostgresStore {
    let database: PostgresDatabase

    public func propose(_ version: ProtocolVersion) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO protocol_versions (version, document, content_id, proposed_at, effective_at)
            VALUES (\(version.version), \(String(decoding: try version.rules.canonicalJSON(), as: UTF8.self)), \(version.contentID),
                    \(version.proposedAt.timeIntervalSince1970), \(version.effectiveAt.timeIntervalSince1970))
            ON CONFLICT (version) DO NOTHING RETURNING 1
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    public func versions() async throws -> [ProtocolVersion] {
        try await versions(client.query(
            "SELECT document, content_id, proposed_at, effective_at, activated_at FROM protocol_versions ORDER BY version", logger: logger))
    }

    public func activate(version: Int, at date: Date) async throws -> ProtocolVersion? {
        try await versions(client.query(
            """
            UPDATE protocol_versions SET activated_at = \(date.timeIntervalSince1970)
            WHERE version = \(version) AND activated_at IS NULL AND effective_at <= \(date.timeIntervalSince1970)
              AND NOT EXISTS (SELECT 1 FROM protocol_versions AS newer WHERE newer.activated_at IS NOT NULL AND newer.version > \(version))
            RETURNING document, content_id, proposed_at, effective_at, activated_at
            """,
            logger: logger)).first
    }

    private func versions(_ rows: PostgresRowSequence) async throws -> [ProtocolVersion] {
        var out: [ProtocolVersion] = []
        for try await (document, contentID, proposed, effective, activated) in rows.decode((String, String, Double, Double, Double?).self) {
            out.append(ProtocolVersion(rules: try TrustProtocol(json: Array(document.utf8)), contentID: contentID,
                                       proposedAt: Date(timeIntervalSince1970: proposed), effectiveAt: Date(timeIntervalSince1970: effective),
                                       activatedAt: activated.map(Date.init(timeIntervalSince1970:))))
        }
        return out
    }
}
