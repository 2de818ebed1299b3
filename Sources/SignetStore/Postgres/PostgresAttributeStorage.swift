public import Foundation
import PostgresNIO
public import SignetMarket
import SignetCore

/// Attesters and attributes in PostgreSQL.
public struct PostgresAttributeStorage: AttributeStorage, PostgresStore {
    let database: PostgresDatabase

    public func appoint(partyID: String, at date: Date) async throws -> Bool {
        let rows = try await client.query(
            "INSERT INTO attesters (party_id, appointed_at) VALUES (\(partyID), \(date.timeIntervalSince1970)) ON CONFLICT (party_id) DO NOTHING RETURNING 1",
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    public func isAttester(partyID: String) async throws -> Bool {
        for try await _ in try await client.query("SELECT 1 FROM attesters WHERE party_id = \(partyID)", logger: logger).decode(Int.self) {
            return true
        }
        return false
    }

    public func insert(_ attribute: Attribute) async throws {
        _ = try await client.query(
            """
            INSERT INTO attributes (id, holder_id, name, value, attester_id, attested_at)
            VALUES (\(attribute.id), \(attribute.holderID), \(attribute.name), \(String(decoding: try CanonicalJSON.encode(attribute.value), as: UTF8.self)),
                    \(attribute.attesterID), \(attribute.attestedAt.timeIntervalSince1970))
            ON CONFLICT (holder_id, name, attester_id) DO UPDATE SET id = excluded.id, value = excluded.value, attested_at = excluded.attested_at
            """,
            logger: logger)
    }

    public func attributes(holderID: String) async throws -> [Attribute] {
        var out: [Attribute] = []
        let rows = try await client.query(
            "SELECT id, name, value, attester_id, attested_at FROM attributes WHERE holder_id = \(holderID) ORDER BY name, attested_at", logger: logger)
        for try await (id, name, text, attester, at) in rows.decode((String, String, String, String, Double).self) {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { continue }
            out.append(Attribute(id: id, holderID: holderID, name: name, value: value, attesterID: attester, attestedAt: Date(timeIntervalSince1970: at)))
        }
        return out
    }
}
