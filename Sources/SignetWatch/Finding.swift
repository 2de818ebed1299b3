import Crypto
public import Foundation
import SignetCore

/// A breach pattern the watch found.
///
/// What leaves the server (the ledger entry, the operator's alert, the webhook) is the rule,
/// the time, the parties and ``summary``; ``holders`` stays inside, to raise each affected
/// holder's alert.
public struct Finding: Sendable, Equatable {
    /// The rules of the watch.
    public enum Rule: String, Sendable, Equatable, Codable, CaseIterable {
        /// Attempts without valid consent, far more than honest mistakes explain.
        case unconsented
        /// A party's attempts far above its own baseline.
        case burst
        /// One new party, or a ring of them, touching many holders within a short window.
        case auction
        /// A probe bit-identical or nearly identical to an earlier one.
        case replay
        /// A probe matching a honey template's decoy sample: the template store leaked.
        case honey
    }

    /// `f_` and 16 bytes in base64url, derived from the rule, time and parties.
    public let id: String
    /// Which rule.
    public let rule: Rule
    /// When it was found.
    public let time: Date
    /// The parties it is about, sorted.
    public let parties: [String]
    /// The holders affected (server-side only; never logged or sent).
    public let holders: [String]
    /// One plain sentence without personal data.
    public let summary: String

    /// Creates a finding.
    public init(rule: Rule, time: Date, parties: [String], holders: [String], summary: String) {
        self.rule = rule
        self.time = time
        self.parties = parties.sorted()
        self.holders = holders.sorted()
        self.summary = summary
        var hasher = SHA256()
        hasher.update(data: Array("signet-finding-v1\n\(rule.rawValue)\n\(time.timeIntervalSince1970)\n".utf8))
        hasher.update(data: Array(self.parties.joined(separator: ",").utf8))
        self.id = "f_" + Base64.encodeURL(Array(hasher.finalize().prefix(16)))
    }

    /// What a holder is told.
    public var holderMessage: String {
        switch rule {
        case .unconsented: "A party tried to verify you without your consent. Nothing was released. Review your grants."
        case .burst: "A party you granted used your signature far more than usual. Review its grants."
        case .auction: "Your signature may be for sale: newly registered parties touched many holders at once, you among them. Their grants are frozen. Consider a lockdown."
        case .replay: "Someone presented a copy of an earlier sample of a face. Copies mean a leak somewhere. Consider a lockdown and a renewal."
        case .honey: "A decoy planted in the template store was used: the store may have leaked. Renewing your templates makes any stolen copy worthless."
        }
    }
}
