public import Foundation
import NIOCore
import PostgresNIO
public import SignetWatch

/// The watch's findings, the holders' alerts and the honey marks in PostgreSQL.
public struct PostgresWatchStorage: WatchStorage, PostgresStore {
    let database: PostgresDatabase

    public func record(_ finding: FindingRecord, alerts: [HolderAlert]) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO findings (id, rule, detected_at, holders, summary, ledger_index)
                VALUES (\(finding.id), \(finding.rule.rawValue), \(finding.time.timeIntervalSince1970), \(finding.holders), \(finding.summary),
                        \(finding.ledgerIndex.map(Int64.init)))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: logger)
            var fresh = false
            for try await _ in inserted.decode(Int.self) { fresh = true }
            guard fresh else { return }
            for party in finding.parties {
                _ = try await connection.query(
                    "INSERT INTO finding_parties (party_id, finding_id) VALUES (\(party), \(finding.id)) ON CONFLICT DO NOTHING", logger: logger)
            }
            for alert in alerts {
                _ = try await connection.query(
                    """
                    INSERT INTO alerts (id, holder_id, rule, party_id, message, raised_at)
                    VALUES (\(alert.id), \(alert.holderID), \(alert.rule), \(alert.party), \(alert.message), \(alert.time.timeIntervalSince1970))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
        }
    }

    public func findings(limit: Int) async throws -> [FindingRecord] {
        var out: [FindingRecord] = []
        let rows = try await client.query(
            """
            SELECT id, rule, detected_at, holders, summary, ledger_index,
                   coalesce((SELECT string_agg(party_id, ',' ORDER BY party_id) FROM finding_parties WHERE finding_id = findings.id), '')
            FROM findings ORDER BY detected_at DESC, id LIMIT \(limit)
            """, logger: logger)
        for try await (id, rule, at, holders, summary, index, parties) in rows.decode((String, String, Double, Int, String, Int64?, String).self) {
            guard let rule = Finding.Rule(rawValue: rule) else { continue }
            out.append(FindingRecord(id: id, rule: rule, time: Date(timeIntervalSince1970: at), parties: parties.split(separator: ",").map(String.init),
                                     holders: holders, summary: summary, ledgerIndex: index.map(UInt64.init)))
        }
        return out
    }

    public func findingCount(partyID: String) async throws -> Int {
        for try await count in try await client.query("SELECT count(*) FROM finding_parties WHERE party_id = \(partyID)", logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    public func alerts(holderID: String, limit: Int) async throws -> [HolderAlert] {
        var out: [HolderAlert] = []
        let rows = try await client.query(
            "SELECT id, rule, party_id, message, raised_at FROM alerts WHERE holder_id = \(holderID) ORDER BY raised_at DESC, id LIMIT \(limit)",
            logger: logger)
        for try await (id, rule, party, message, at) in rows.decode((String, String, String?, String, Double).self) {
            out.append(HolderAlert(id: id, holderID: holderID, rule: rule, party: party, message: message, time: Date(timeIntervalSince1970: at)))
        }
        return out
    }

    public func plantHoney(_ fingerprint: [UInt8], at date: Date) async throws {
        _ = try await client.query(
            "INSERT INTO honey_marks (fingerprint, planted_at) VALUES (\(ByteBuffer(bytes: fingerprint)), \(date.timeIntervalSince1970)) ON CONFLICT DO NOTHING",
            logger: logger)
    }

    public func honeyMarks(plantedSince date: Date) async throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        let since = date.timeIntervalSince1970
        for try await mark in try await client.query("SELECT fingerprint FROM honey_marks WHERE planted_at >= \(since) ORDER BY planted_at", logger: logger).decode(ByteBuffer.self) {
            out.append(Array(mark.readableBytesView))
        }
        return out
    }
}
