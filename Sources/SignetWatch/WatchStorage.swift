import Crypto
public import Foundation
import SignetCore

/// A finding as kept: what the operator lists and a party's risk report counts. No holder ids.
public struct FindingRecord: Sendable, Equatable {
    /// The finding's id.
    public let id: String
    /// Which rule.
    public let rule: Finding.Rule
    /// When it was found.
    public let time: Date
    /// The parties it is about.
    public let parties: [String]
    /// How many holders were affected.
    public let holders: Int
    /// One plain sentence.
    public let summary: String
    /// The first of its ledger entries (one per party).
    public let ledgerIndex: UInt64?

    /// Creates a record.
    public init(id: String, rule: Finding.Rule, time: Date, parties: [String], holders: Int, summary: String, ledgerIndex: UInt64?) {
        self.id = id
        self.rule = rule
        self.time = time
        self.parties = parties
        self.holders = holders
        self.summary = summary
        self.ledgerIndex = ledgerIndex
    }

    /// The record of `finding`.
    public init(_ finding: Finding, ledgerIndex: UInt64?) {
        self.init(id: finding.id, rule: finding.rule, time: finding.time, parties: finding.parties, holders: finding.holders.count,
                  summary: finding.summary, ledgerIndex: ledgerIndex)
    }
}

/// What a holder is told: by the watch, about a finding that touched them.
public struct HolderAlert: Sendable, Equatable {
    /// `a_` and 16 bytes in base64url, derived from the finding and the holder.
    public let id: String
    /// The holder told.
    public let holderID: String
    /// The finding's rule.
    public let rule: String
    /// The party it is about, when one.
    public let party: String?
    /// What the holder reads.
    public let message: String
    /// When.
    public let time: Date

    /// Creates an alert.
    public init(id: String, holderID: String, rule: String, party: String?, message: String, time: Date) {
        self.id = id
        self.holderID = holderID
        self.rule = rule
        self.party = party
        self.message = message
        self.time = time
    }

    /// The alerts of `finding`, one per affected holder.
    public static func alerts(for finding: Finding) -> [HolderAlert] {
        finding.holders.map { holder in
            var hasher = SHA256()
            hasher.update(data: Array("signet-alert-v1\n\(finding.id)\n\(holder)".utf8))
            return HolderAlert(id: "a_" + Base64.encodeURL(Array(hasher.finalize().prefix(16))), holderID: holder, rule: finding.rule.rawValue,
                               party: finding.parties.count == 1 ? finding.parties[0] : nil, message: finding.holderMessage, time: finding.time)
        }
    }
}

/// Where the watch keeps findings, alerts and honey marks. SignetStore implements it for SQLite
/// and PostgreSQL.
public protocol WatchStorage: Sendable {
    /// Keeps a finding and its holders' alerts; a finding kept already (same id) is left as is.
    func record(_ finding: FindingRecord, alerts: [HolderAlert]) async throws
    /// The newest findings first, at most `limit`.
    func findings(limit: Int) async throws -> [FindingRecord]
    /// How many findings name `partyID`.
    func findingCount(partyID: String) async throws -> Int
    /// A holder's alerts, newest first, at most `limit`.
    func alerts(holderID: String, limit: Int) async throws -> [HolderAlert]
    /// Keeps the fingerprint of a honey template's decoy sample (a repeat is ignored).
    func plantHoney(_ fingerprint: [UInt8], at date: Date) async throws
    /// The honey marks planted at or after `date` (`.distantPast` for all), oldest first.
    func honeyMarks(plantedSince date: Date) async throws -> [[UInt8]]
}
