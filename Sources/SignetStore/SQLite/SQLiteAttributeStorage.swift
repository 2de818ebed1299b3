public import Foundation
import GRDB
public import SignetMarket
import SignetCore

/// Attesters and attributes in the embedded SQLite database.
public struct SQLiteAttributeStorage: AttributeStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func appoint(partyID: String, at date: Date) async throws -> Bool {
        try await !statements.write(
            "INSERT INTO attesters (party_id, appointed_at) VALUES (?, ?) ON CONFLICT (party_id) DO NOTHING RETURNING 1",
            [partyID, date.timeIntervalSince1970]) { _ in true }.isEmpty
    }

    public func isAttester(partyID: String) async throws -> Bool {
        try !statements.read("SELECT 1 AS one FROM attesters WHERE party_id = ?", [partyID]) { try $0.value("one", as: Int.self) }.isEmpty
    }

    public func insert(_ attribute: Attribute) async throws {
        try await statements.execute(
            """
            INSERT INTO attributes (id, holder_id, name, value, attester_id, attested_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (holder_id, name, attester_id) DO UPDATE SET id = excluded.id, value = excluded.value, attested_at = excluded.attested_at
            """,
            [attribute.id, attribute.holderID, attribute.name, String(decoding: try CanonicalJSON.encode(attribute.value), as: UTF8.self),
             attribute.attesterID, attribute.attestedAt.timeIntervalSince1970])
    }

    public func attributes(holderID: String) async throws -> [Attribute] {
        try statements.read(
            "SELECT id, name, value, attester_id, attested_at FROM attributes WHERE holder_id = ? ORDER BY name, attested_at", [holderID]
        ) { row -> Attribute? in
            guard let id = try row.value("id", as: String.self), let name = try row.value("name", as: String.self),
                  let text = try row.value("value", as: String.self), let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                  let attester = try row.value("attester_id", as: String.self), let at = try row.value("attested_at", as: Double.self) else { return nil }
            return Attribute(id: id, holderID: holderID, name: name, value: value, attesterID: attester, attestedAt: Date(timeIntervalSince1970: at))
        }
    }
}
