import Crypto
public import Foundation
public import SignetCore

/// Who signs a request: a holder (a person) or a party (an organisation).
public enum PrincipalKind: String, Sendable, Codable {
    case holder
    case party
}

/// An opaque, unguessable identifier: a kind prefix and 16 random bytes in base64url
/// (`h_…` for holders, `p_…` for parties). Deliberate: ids carry no personal data and cannot be
/// enumerated.
public struct PrincipalID: Hashable, Sendable, CustomStringConvertible {
    /// The full identifier text.
    public let rawValue: String
    /// Holder or party.
    public let kind: PrincipalKind

    /// A new random identifier.
    public static func random(_ kind: PrincipalKind, using random: any RandomBytesGenerator = SystemRandomBytes()) -> PrincipalID {
        PrincipalID(rawValue: prefix(kind) + Base64.encodeURL(random.bytes(16)), kind: kind)
    }

    /// Parses an identifier; `nil` unless it has the exact shape of one.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard text.count == 24 else { return nil }
        let kind: PrincipalKind
        if text.hasPrefix(Self.prefix(.holder)) { kind = .holder } else if text.hasPrefix(Self.prefix(.party)) { kind = .party } else { return nil }
        guard let bytes = Base64.decodeURL(text.dropFirst(2)), bytes.count == 16 else { return nil }
        self.init(rawValue: text, kind: kind)
    }

    private init(rawValue: String, kind: PrincipalKind) {
        self.rawValue = rawValue
        self.kind = kind
    }

    static func prefix(_ kind: PrincipalKind) -> String { kind == .holder ? "h_" : "p_" }

    public var description: String { rawValue }
}

/// The id of one kind of principal: a ``PrincipalID`` known to name a holder (``HolderID``) or a
/// party (``PartyID``), so one cannot be passed where the other is meant.
public struct KindedPrincipalID<Kind: PrincipalKindMarker>: Hashable, Sendable, CustomStringConvertible {
    /// The id as a principal (what signs requests).
    public let principal: PrincipalID

    /// The id a principal id is, or `nil` for another kind's.
    public init?(_ principal: PrincipalID) {
        guard principal.kind == Kind.kind else { return nil }
        self.principal = principal
    }

    /// Parses an id; `nil` unless it has the exact shape of one of this kind.
    public init?(_ text: some StringProtocol) {
        guard let principal = PrincipalID(text) else { return nil }
        self.init(principal)
    }

    /// A new random id.
    public static func random(using random: any RandomBytesGenerator = SystemRandomBytes()) -> Self {
        Self(PrincipalID.random(Kind.kind, using: random))!
    }

    /// The full identifier text.
    public var rawValue: String { principal.rawValue }
    public var description: String { rawValue }
}

/// Names the kind of a ``KindedPrincipalID``.
public protocol PrincipalKindMarker: Sendable {
    /// The kind.
    static var kind: PrincipalKind { get }
}

/// The marker of holders' ids.
public enum HolderKind: PrincipalKindMarker {
    public static var kind: PrincipalKind { .holder }
}

/// The marker of parties' ids.
public enum PartyKind: PrincipalKindMarker {
    public static var kind: PrincipalKind { .party }
}

/// A holder's id (`h_…`).
public typealias HolderID = KindedPrincipalID<HolderKind>
/// A party's id (`p_…`).
public typealias PartyID = KindedPrincipalID<PartyKind>

/// A party's standing with the operator.
public enum PartyStatus: String, Sendable, Codable, CaseIterable {
    /// Registered, waiting for `signet admin party approve`.
    case pending
    /// May make offers and verifications.
    case approved
    /// Stopped by the operator or the trust protocol.
    case suspended
}

/// A registered holder: only an id and a public key. Signet never stores a name for a holder.
public struct Holder: Sendable, Equatable {
    /// The holder's id.
    public let id: HolderID
    /// Raw 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// When the holder registered.
    public let registeredAt: Date

    /// Creates a holder record.
    public init(id: HolderID, publicKey: [UInt8], registeredAt: Date) {
        self.id = id
        self.publicKey = publicKey
        self.registeredAt = registeredAt
    }
}

/// A registered party: public, accountable name and contact.
public struct Party: Sendable, Equatable {
    /// The party's id.
    public let id: PartyID
    /// Public name shown to holders, 1–200 characters.
    public let name: String
    /// Contact (e-mail or URL), 1–200 characters.
    public let contact: String
    /// Raw 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// Standing with the operator.
    public var status: PartyStatus
    /// When the party registered.
    public let registeredAt: Date
    /// When the operator first approved the party (nil while pending, and for parties approved
    /// before the store kept it). The watch judges a party's age from this, not registration:
    /// a ring can register long before it is let in.
    public var approvedAt: Date?

    /// Creates a party record, validating name and contact.
    /// - Throws: ``MarketError`` `.invalidField` when name or contact is empty, too long or
    ///   contains control characters.
    public init(id: PartyID, name: String, contact: String, publicKey: [UInt8], status: PartyStatus, registeredAt: Date, approvedAt: Date? = nil) throws {
        for (field, value) in [("name", name), ("contact", contact)] {
            guard (1...200).contains(value.count), !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw MarketError(.invalidField, "\(field) must be 1 to 200 printable characters")
            }
        }
        self.id = id
        self.name = name
        self.contact = contact
        self.publicKey = publicKey
        self.status = status
        self.registeredAt = registeredAt
        self.approvedAt = approvedAt
    }
}

/// Validates a raw Ed25519 public key.
/// - Throws: ``MarketError`` `.invalidField` unless `bytes` is a 32-byte Ed25519 key.
public func validatedPublicKey(_ bytes: [UInt8]) throws -> [UInt8] {
    guard bytes.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
        throw MarketError(.invalidField, "public_key must be a raw 32-byte Ed25519 key in base64url")
    }
    return bytes
}
