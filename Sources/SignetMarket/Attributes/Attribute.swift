public import Foundation
public import SignetCore

/// An attribute of a holder, vouched for by an attester (a party the operator appointed), for
/// example `age_over_18: true` or `member_of: "<tribe handle>"`.
///
/// Only an offer that names it gets it, as a disclosure of its consent token; nothing else
/// about the holder goes with it.
public struct Attribute: Sendable, Equatable {
    /// `a_` and 16 random bytes in base64url.
    public let id: String
    /// The holder it describes.
    public let holderID: String
    /// Its name: 1 to 64 characters of a-z, 0-9 and `_`, starting with a letter.
    public let name: String
    /// Its value: a boolean, or text of at most 256 characters.
    public let value: JSONValue
    /// The attester that vouched for it.
    public let attesterID: String
    /// When.
    public let attestedAt: Date

    /// Creates a record.
    public init(id: String, holderID: String, name: String, value: JSONValue, attesterID: String, attestedAt: Date) {
        self.id = id
        self.holderID = holderID
        self.name = name
        self.value = value
        self.attesterID = attesterID
        self.attestedAt = attestedAt
    }

    /// Whether `name` may name an attribute.
    public static func isName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), (0x61...0x7A).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// Whether `value` may be an attribute's value.
    public static func isValue(_ value: JSONValue) -> Bool {
        switch value {
        case .bool: true
        case .string(let text): (1...256).contains(text.count)
        default: false
        }
    }
}

/// Attesters and the attributes they vouched for; SignetStore implements it for SQLite and
/// PostgreSQL.
public protocol AttributeStorage: Sendable {
    /// Appoints a party as an attester; `false` when it is one already.
    func appoint(partyID: String, at date: Date) async throws -> Bool
    /// Whether the party is an attester.
    func isAttester(partyID: String) async throws -> Bool
    /// Stores an attribute, replacing the holder's attribute of the same name from the same attester.
    func insert(_ attribute: Attribute) async throws
    /// The holder's attributes, by name.
    func attributes(holderID: String) async throws -> [Attribute]
}
