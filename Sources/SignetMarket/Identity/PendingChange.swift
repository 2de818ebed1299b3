public import Foundation
public import SignetCore

/// A template change (enroll, renew or delete) that a workflow has begun and not yet finished:
/// the journal entry that lets a later recovery finish it or drop it, so a crash or a failing
/// store between the template write, the permission revocation and the ledger event never
/// leaves one of them without the others.
///
/// It holds no biometric data: the template's new public key is kept only as a SHA-256, to
/// recognise whether the write happened.
public struct PendingChange: Sendable, Equatable {
    /// The event's id (16 random bytes): the pseudonym and the journal key.
    public let eventID: [UInt8]
    /// The holder who asked for the change.
    public let holderID: String
    /// `enroll`, `renew` or `delete`.
    public let kind: String
    /// The template changed.
    public let templateID: TemplateID
    /// The commitment salt of the event (16 random bytes).
    public let salt: [UInt8]
    /// The event's time, in whole seconds.
    public let time: Date
    /// A size the log had before the change began: if the event was appended, it sits at this
    /// index or later.
    public let logSize: UInt64
    /// SHA-256 of the template's public key after the change (enroll, renew); `nil` for delete.
    public let templateKeyHash: [UInt8]?
    /// Until when the request that began the change (or the recovery that claimed it since)
    /// owns it: nobody else completes or drops it before then.
    public let claimedUntil: Date

    /// Creates a journal entry.
    public init(eventID: [UInt8], holderID: String, kind: String, templateID: TemplateID, salt: [UInt8], time: Date,
                logSize: UInt64, templateKeyHash: [UInt8]?, claimedUntil: Date) {
        self.eventID = eventID
        self.holderID = holderID
        self.kind = kind
        self.templateID = templateID
        self.salt = salt
        self.time = time
        self.logSize = logSize
        self.templateKeyHash = templateKeyHash
        self.claimedUntil = claimedUntil
    }
}
