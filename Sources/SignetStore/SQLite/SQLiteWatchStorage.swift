public import Foundation
import GRDB
public import SignetWatch

/// The watch's findings, the holders' alerts and the honey marks in the embedded SQLite database.
public struct SQLiteWatchStorage: WatchStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func record(_ finding: FindingRecord, alerts: [HolderAlert]) async throws {
        try await statements.write { db in
            try db.execute(
                sql: "INSERT INTO findings (id, rule, detected_at, holders, summary, ledger_index) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                arguments: [finding.id, finding.rule.rawValue, finding.time.timeIntervalSince1970, finding.holders, finding.summary,
                            finding.ledgerIndex.map(Int64.init)])
            guard db.changesCount > 0 else { return }
            for party in finding.parties {
                try db.execute(sql: "INSERT INTO finding_parties (party_id, finding_id) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [party, finding.id])
            }
            for alert in alerts {
                try db.execute(
                    sql: "INSERT INTO alerts (id, holder_id, rule, party_id, message, raised_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    arguments: [alert.id, alert.holderID, alert.rule, alert.party, alert.message, alert.time.timeIntervalSince1970])
            }
        }
    }

    public func findings(limit: Int) async throws -> [FindingRecord] {
        try statements.read(
            """
            SELECT id, rule, detected_at, holders, summary, ledger_index,
                   (SELECT group_concat(party_id, ',') FROM finding_parties WHERE finding_id = findings.id) AS parties
            FROM findings ORDER BY detected_at DESC, id LIMIT ?
            """, [limit]
        ) { row -> FindingRecord? in
            guard let id = try row.value("id", as: String.self), let rule = try row.value("rule", as: String.self).flatMap(Finding.Rule.init(rawValue:)),
                  let at = try row.value("detected_at", as: Double.self), let summary = try row.value("summary", as: String.self) else { return nil }
            let parties = (try row.value("parties", as: String.self) ?? "").split(separator: ",").map(String.init).sorted()
            return FindingRecord(id: id, rule: rule, time: Date(timeIntervalSince1970: at), parties: parties,
                                 holders: try row.value("holders", as: Int.self) ?? 0, summary: summary,
                                 ledgerIndex: try row.value("ledger_index", as: Int64.self).map(UInt64.init))
        }
    }

    public func findingCount(partyID: String) async throws -> Int {
        try statements.read("SELECT count(*) AS n FROM finding_parties WHERE party_id = ?", [partyID]) { try $0.value("n", as: Int.self) }.first ?? 0
    }

    public func alerts(holderID: String, limit: Int) async throws -> [HolderAlert] {
        try statements.read(
            "SELECT id, rule, party_id, message, raised_at FROM alerts WHERE holder_id = ? ORDER BY raised_at DESC, id LIMIT ?", [holderID, limit]
        ) { row -> HolderAlert? in
            guard let id = try row.value("id", as: String.self), let rule = try row.value("rule", as: String.self),
                  let message = try row.value("message", as: String.self), let at = try row.value("raised_at", as: Double.self) else { return nil }
            return HolderAlert(id: id, holderID: holderID, rule: rule, party: try row.value("party_id", as: String.self), message: message,
                               time: Date(timeIntervalSince1970: at))
        }
    }

    public func plantHoney(_ fingerprint: [UInt8], at date: Date) async throws {
        try await statements.execute("INSERT INTO honey_marks (fingerprint, planted_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                     [Data(fingerprint), date.timeIntervalSince1970])
    }

    public func honeyMarks(plantedSince date: Date) async throws -> [[UInt8]] {
        try statements.read("SELECT fingerprint FROM honey_marks WHERE planted_at >= ? ORDER BY planted_at", [date.timeIntervalSince1970]) { try $0.value("fingerprint", as: Data.self).map(Array.init) }
    }
}
