public import Crypto
import Foundation

/// One event as written to the ledger: canonical JSON (RFC 8785) with no personal data.
///
/// ```json
/// {"commitment":"<b64url 32>","holder":"<b64url 32>","party":"p_…","time":1790000000,"type":"use","v":1}
/// ```
/// `holder` is a per-event pseudonym only the holder can recompute (HMAC-SHA256 of a random
/// event id under the holder's activity secret), so two events of one holder cannot be linked
/// by anyone else. `commitment` is SHA-256 of a random salt followed by the canonical JSON of
/// the event's details, so the holder can later prove what an event was about without the
/// ledger ever showing it.
///
/// An operator's event about a party (`approve`, `suspend`) has no holder: it carries only
/// `type`, `time`, `party` and `v`, since there is nothing about it to hide. The watch's
/// `finding` has that shape too, with the `rule` that found it.
public struct LedgerEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, CaseIterable {
        case enroll, renew, delete, use, offer, counter, grant, decline, revoke, attest, lockdown
        /// The operator approved a party.
        case approve
        /// The operator (or the trust protocol) suspended a party.
        case suspend
        /// A holder replaced their key (signed by the old and the new one).
        case rotateKey = "rotate_key"
        /// The operator revoked a holder's key.
        case revokeKey = "revoke_key"
        /// The operator revoked a party's key.
        case revokePartyKey = "revoke_party_key"
        /// The operator appointed a party an attester.
        case appoint
        /// The operator proposed or activated a version of the trust protocol.
        case protocolChange = "protocol"
        /// The watch found a breach pattern involving a party.
        case finding

        /// Whether entries of this kind name a party only (no holder pseudonym, no commitment).
        public var isAboutAPartyOnly: Bool {
            self == .approve || self == .suspend || self == .revokePartyKey || self == .appoint || self == .finding
        }
        /// Whether entries of this kind name neither a holder nor a party: they carry a
        /// ``ProtocolChange`` in clear.
        public var isAboutTheProtocol: Bool { self == .protocolChange }
    }

    /// A change of the trust protocol, in clear: which version, its content id, the SHA-256 of
    /// its published diff against the version in force, and when it may take effect.
    public struct ProtocolChange: Sendable, Equatable, Codable {
        /// `proposed` (the notice period starts) or `activated` (in force from now).
        public var stage: String
        /// The protocol's version.
        public var version: Int
        /// `sha256:` and the hex SHA-256 of its RFC 8785 form.
        public var content_id: String
        /// Base64url SHA-256 of the RFC 8785 diff against the version in force when proposed.
        public var diff_sha256: String
        /// The earliest time it may be activated, whole seconds since 1970.
        public var effective: Int64

        /// Creates a change.
        public init(stage: String, version: Int, content_id: String, diff_sha256: String, effective: Int64) {
            self.stage = stage
            self.version = version
            self.content_id = content_id
            self.diff_sha256 = diff_sha256
            self.effective = effective
        }
    }

    /// Current format version, written as `v`.
    public static let version = 1

    /// What happened.
    public let kind: Kind
    /// When, in whole seconds since 1970 (UTC).
    public let time: Int64
    /// The party involved, by its public id; `nil` for holder-only events.
    public let party: String?
    /// The per-event holder pseudonym (32 bytes); `nil` for an event about a party only.
    public let pseudonym: [UInt8]?
    /// The salted commitment to the details (32 bytes); `nil` for an event about a party only.
    public let commitment: [UInt8]?
    /// The protocol change of a `protocol` entry; `nil` for every other kind.
    public let protocolChange: ProtocolChange?
    /// The watch's rule of a `finding` entry; `nil` for every other kind.
    public let rule: String?

    /// Creates a holder's event.
    /// - Precondition: `pseudonym` and `commitment` are 32 bytes (as made by the functions below).
    public init(kind: Kind, time: Int64, party: String?, pseudonym: [UInt8], commitment: [UInt8]) {
        precondition(pseudonym.count == 32 && commitment.count == 32)
        self.kind = kind
        self.time = time
        self.party = party
        self.pseudonym = pseudonym
        self.commitment = commitment
        self.protocolChange = nil
        self.rule = nil
    }

    /// Creates an operator's event about a party, with no holder and nothing committed to; a
    /// `finding` names the watch's `rule`.
    /// - Precondition: `rule` is given for a `finding` and only for one.
    public init(kind: Kind, time: Int64, party: String, rule: String? = nil) {
        precondition((kind == .finding) == (rule != nil), "a finding, and only a finding, names its rule")
        self.kind = kind
        self.time = time
        self.party = party
        self.pseudonym = nil
        self.commitment = nil
        self.protocolChange = nil
        self.rule = rule
    }

    /// Creates a `protocol` entry: neither a holder nor a party, the change in clear.
    public init(time: Int64, protocolChange: ProtocolChange) {
        self.kind = .protocolChange
        self.time = time
        self.party = nil
        self.pseudonym = nil
        self.commitment = nil
        self.protocolChange = protocolChange
        self.rule = nil
    }

    /// The ledger entry bytes.
    public func entry() -> [UInt8] {
        var object: [String: JSONValue] = [
            "v": .number(Double(Self.version)),
            "type": .string(kind.rawValue),
            "time": .number(Double(time)),
        ]
        if let pseudonym { object["holder"] = .string(Base64.encodeURL(pseudonym)) }
        if let commitment { object["commitment"] = .string(Base64.encodeURL(commitment)) }
        if let party { object["party"] = .string(party) }
        if let rule { object["rule"] = .string(rule) }
        if let change = protocolChange {
            object["protocol"] = .object([
                "stage": .string(change.stage), "version": .number(Double(change.version)), "content_id": .string(change.content_id),
                "diff_sha256": .string(change.diff_sha256), "effective": .number(Double(change.effective)),
            ])
        }
        // Every member is a string or an integer below 2^53, so encoding cannot fail.
        return (try? CanonicalJSON.encode(.object(object))) ?? []
    }

    /// The pseudonym of one event: `HMAC-SHA256(activitySecret, eventID)`.
    public static func pseudonym(activitySecret: SymmetricKey, eventID: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: eventID, using: activitySecret))
    }

    /// The commitment to an event's details: `SHA-256(salt || JCS(details))`.
    /// - Throws: ``CanonicalJSON/NonFiniteNumber`` when `details` holds NaN or an infinity.
    public static func commitment(salt: [UInt8], details: JSONValue) throws -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: try CanonicalJSON.encode(details))
        return Array(hasher.finalize())
    }
}

extension LedgerEvent {
    /// Reads an entry back: what an auditor or a holder's device does with a ledger entry.
    /// - Throws: ``LedgerEvent/UnreadableEntry`` unless `entry` is a version-1 event with a
    ///   known type and its shape: a holder's event a 32-byte pseudonym and commitment, a party's
    ///   a party, a `protocol` entry its change and nothing else.
    public init(parsing entry: [UInt8]) throws {
        struct Wire: Decodable {
            var v: Int
            var type: String
            var time: Int64
            var party: String?
            var holder: String?
            var commitment: String?
            var `protocol`: ProtocolChange?
            var rule: String?
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(entry)), wire.v == Self.version,
              let kind = Kind(rawValue: wire.type) else { throw UnreadableEntry() }
        if kind.isAboutTheProtocol {
            guard let change = wire.protocol, wire.holder == nil, wire.commitment == nil, wire.party == nil else { throw UnreadableEntry() }
            self.init(time: wire.time, protocolChange: change)
            return
        }
        guard wire.protocol == nil, (kind == .finding) == (wire.rule != nil) else { throw UnreadableEntry() }
        switch (wire.holder.flatMap(Base64.decodeURL), wire.commitment.flatMap(Base64.decodeURL)) {
        case (let pseudonym?, let commitment?) where pseudonym.count == 32 && commitment.count == 32 && !kind.isAboutAPartyOnly:
            self.init(kind: kind, time: wire.time, party: wire.party, pseudonym: pseudonym, commitment: commitment)
        case (nil, nil) where wire.holder == nil && wire.commitment == nil && kind.isAboutAPartyOnly:
            guard let party = wire.party else { throw UnreadableEntry() }
            self.init(kind: kind, time: wire.time, party: party, rule: wire.rule)
        default:
            throw UnreadableEntry()
        }
    }

    /// An entry that is not a Signet event.
    public struct UnreadableEntry: Error, CustomStringConvertible {
        public var description: String { "the entry is not a Signet ledger event" }
    }
}
