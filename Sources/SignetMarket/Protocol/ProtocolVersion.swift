public import Foundation
import Crypto
import SignetCore

/// One published version of the trust protocol: proposed with a notice period, then activated.
public struct ProtocolVersion: Sendable, Equatable {
    /// The rules (their `version` is this version's number).
    public let rules: TrustProtocol
    /// ``TrustProtocol/contentID()``, computed once when proposed.
    public let contentID: String
    /// When the operator proposed it.
    public let proposedAt: Date
    /// The earliest time it may be activated: the end of its notice period.
    public let effectiveAt: Date
    /// When it was activated; `nil` while pending.
    public var activatedAt: Date?

    /// Creates a record.
    public init(rules: TrustProtocol, contentID: String, proposedAt: Date, effectiveAt: Date, activatedAt: Date? = nil) {
        self.rules = rules
        self.contentID = contentID
        self.proposedAt = proposedAt
        self.effectiveAt = effectiveAt
        self.activatedAt = activatedAt
    }

    /// The version's number.
    public var version: Int { rules.version }
}

/// What changed between two versions, by rule id: what holders read before a change takes effect.
public struct ProtocolDiff: Sendable, Equatable, Codable {
    /// Rules only the new version has.
    public let added: [String]
    /// Rules only the old version has.
    public let removed: [String]
    /// Rules both have, with another check or statement.
    public let changed: [String]

    /// The diff from `old` to `new`.
    public init(from old: TrustProtocol, to new: TrustProtocol) {
        let before = Dictionary(old.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        added = new.rules.map(\.id).filter { before[$0] == nil }
        removed = old.rules.map(\.id).filter { after[$0] == nil }
        changed = new.rules.filter { rule in before[rule.id].map { $0 != rule } ?? false }.map(\.id)
    }

    /// Base64url SHA-256 of its RFC 8785 form: what the ledger's `protocol` entry commits to.
    public func sha256() throws -> String {
        let encoded = try CanonicalJSON.encode(JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(self)))
        return Base64.encodeURL(SHA256.hash(data: encoded))
    }
}

/// Persistence of protocol versions; SignetStore implements it for SQLite and PostgreSQL.
public protocol ProtocolStorage: Sendable {
    /// Stores a proposed version; `false` when that version number exists already.
    func propose(_ version: ProtocolVersion) async throws -> Bool
    /// Every stored version, oldest first.
    func versions() async throws -> [ProtocolVersion]
    /// Activates a pending version whose notice period has ended and above every activated
    /// one (compare-and-set, so two instances cannot put an older version in force after a newer).
    /// - Returns: the version as activated, or `nil` when it is unknown, active already, still in
    ///   notice or below an activated version.
    func activate(version: Int, at date: Date) async throws -> ProtocolVersion?
}
