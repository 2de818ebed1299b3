public import Foundation

/// What the holder (and only the holder) can see about one of their ledger events: the random
/// event id and salt that open the pseudonym and the commitment, and the details committed to.
public struct ActivityRecord: Sendable, Equatable {
    /// The holder.
    public let holderID: String
    /// Index of the event's entry in the ledger.
    public let ledgerIndex: UInt64
    /// Event type (`enroll`, `use`, …).
    public let kind: String
    /// Random event id; the pseudonym is HMAC(activity secret, event id).
    public let eventID: [UInt8]
    /// Random salt of the commitment.
    public let salt: [UInt8]
    /// Canonical JSON of the details committed to.
    public let details: [UInt8]
    /// When the event happened.
    public let time: Date

    /// Creates a record.
    public init(holderID: String, ledgerIndex: UInt64, kind: String, eventID: [UInt8], salt: [UInt8], details: [UInt8], time: Date) {
        self.holderID = holderID
        self.ledgerIndex = ledgerIndex
        self.kind = kind
        self.eventID = eventID
        self.salt = salt
        self.details = details
        self.time = time
    }
}

/// Per-holder activity secrets and the records that open each holder's ledger events.
public protocol HolderActivityStorage: Sendable {
    /// The holder's 32-byte activity secret, created on first use (the same ever after, also
    /// across concurrent first uses).
    func activitySecret(holderID: String) async throws -> [UInt8]
    /// Stores the record of one event; storing the same holder's record at the same ledger index
    /// again changes nothing (a recovery may repeat it).
    func record(_ record: ActivityRecord) async throws
    /// The holder's records, oldest first.
    func activity(holderID: String, after ledgerIndex: UInt64?, limit: Int) async throws -> [ActivityRecord]

    /// Journals a template change before any of its writes (see ``PendingChange``).
    func begin(_ change: PendingChange) async throws
    /// Removes a change from the journal: it finished, or it never happened.
    func finish(eventID: [UInt8]) async throws
    /// Journaled changes whose claim has run out at `now`, oldest first, at most `limit`.
    func unfinished(claimableAt now: Date, limit: Int) async throws -> [PendingChange]
    /// Claims a journaled change until `until` if its claim has run out at `now`: a
    /// compare-and-set, so of two recoveries (on one instance or two) exactly one gets it.
    func claim(eventID: [UInt8], now: Date, until: Date) async throws -> Bool
}
