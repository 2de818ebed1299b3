public import Foundation
public import SignetCore

/// A protected template as stored: serialized bytes owned by one holder.
public struct StoredTemplate: Sendable, Equatable {
    /// Opaque id (`t_` + 22 base64url characters).
    public let id: TemplateID
    /// The owning holder's id.
    public let holderID: String
    /// ``ProtectedTemplate/serializedBytes()``.
    public let bytes: [UInt8]
    /// When it was enrolled or last renewed.
    public let updatedAt: Date
    /// ``ProtectedTemplate/publicKey``, kept beside the bytes so that device-mode verification
    /// reads 32 bytes instead of the whole helper matrix; `nil` for records written before schema v5.
    public let publicKey: [UInt8]?
    /// When a lockdown marked it for renewal: no grant may be given on it until the holder
    /// renews it from a fresh sample (renewal clears this). `nil` when usable.
    public let lockedAt: Date?

    /// Creates a record.
    public init(id: TemplateID, holderID: String, bytes: [UInt8], updatedAt: Date, publicKey: [UInt8]? = nil, lockedAt: Date? = nil) {
        self.id = id
        self.holderID = holderID
        self.bytes = bytes
        self.updatedAt = updatedAt
        self.publicKey = publicKey
        self.lockedAt = lockedAt
    }
}

/// Persistence of protected templates; SignetStore implements it for SQLite and PostgreSQL.
///
/// Every holder-facing operation is scoped by holder id, so a holder can never read, renew or
/// delete another holder's template by guessing its id: the answer is the same as for an id
/// that does not exist.
public protocol TemplateStorage: Sendable {
    /// Stores a new template.
    func insert(_ template: StoredTemplate) async throws
    /// The template `id` if it belongs to `holderID`.
    func template(id: TemplateID, holderID: String) async throws -> StoredTemplate?
    /// The template `id`, whoever owns it (for verification under a holder's permission).
    func template(id: TemplateID) async throws -> StoredTemplate?
    /// The template's public key alone, when stored (`nil` for an unknown id or an older record).
    func publicKey(id: TemplateID) async throws -> [UInt8]?
    /// Replaces the bytes and public key of a holder's template (renewal), and lifts a lockdown's
    /// lock on it; `false` when there is no such template.
    func replace(id: TemplateID, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool
    /// Deletes a holder's template; `false` when there is no such template.
    func delete(id: TemplateID, holderID: String) async throws -> Bool
    /// The ids of a holder's templates, least recently written (enrolled or renewed) first.
    func templateIDs(holderID: String) async throws -> [TemplateID]
    /// Marks every template of a holder for renewal (a lockdown); templates locked already keep
    /// their first lock time.
    /// - Returns: how many templates the holder has.
    func lockAll(holderID: String, at date: Date) async throws -> Int
}
