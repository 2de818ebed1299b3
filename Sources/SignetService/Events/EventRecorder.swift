import Crypto
public import Foundation
public import SignetCore
public import SignetMarket

/// Where recorded entries go: the ledger (``Ledger``), or a test double.
public protocol EventLog: Sendable {
    /// Appends an entry and returns its index once it is durable.
    func append(_ entry: [UInt8]) async throws -> UInt64
    /// A size the log has reached: any entry appended later gets this index or a larger one.
    func sizeLowerBound() async -> UInt64
    /// The stored entries from `start`, at most `count` (fewer at the end of the log).
    func entries(from start: UInt64, count: Int) async throws -> [[UInt8]]
}

/// Writes events to the ledger, the one way any workflow records anything.
///
/// A holder's event gets a fresh pseudonym and commitment; the entry is appended (durably)
/// first, then the private record that lets the holder open it is stored. Then every observer
/// sees the event.
public struct EventRecorder: Sendable {
    let log: any EventLog
    let activity: any HolderActivityStorage
    let random: any RandomBytesGenerator
    let observers: [any EventObserver]
    /// Activity secrets by holder id: created once, never changed, so safe to keep.
    private let secrets = BoundedCache<String, [UInt8]>(capacity: 100_000)

    /// Creates a recorder.
    /// - Parameters:
    ///   - random: makes event ids and commitment salts.
    ///   - observers: see every event once it is durable (the watch attaches here).
    public init(log: any EventLog, activity: any HolderActivityStorage, random: any RandomBytesGenerator = SystemRandomBytes(),
                observers: [any EventObserver] = []) {
        self.log = log
        self.activity = activity
        self.random = random
        self.observers = observers
    }

    /// Records one event and returns its ledger index once the entry is durable.
    /// - Throws: when the ledger or the activity store fails; nothing is acknowledged then.
    @discardableResult
    public func record(_ event: SignetEvent, at time: Date) async throws -> UInt64 {
        try await record(event, at: time, eventID: random.bytes(16), salt: random.bytes(16), appendedAfter: nil)
    }

    /// Records a journaled event (see ``PendingChange``) with the id and salt it was journaled
    /// with.
    ///
    /// - Parameter recovering: `true` when an earlier attempt may have appended the entry before
    ///   it failed: the log is then searched from the journaled size, and an entry found there
    ///   is used rather than appended again. The first attempt passes `false` and searches
    ///   nothing. Only the holder of the entry's claim (``HolderActivityStorage/claim(eventID:now:until:)``)
    ///   records it, so two recoveries never append it twice.
    func record(_ change: PendingChange, as event: SignetEvent, recovering: Bool) async throws -> UInt64 {
        try await record(event, at: change.time, eventID: change.eventID, salt: change.salt, appendedAfter: recovering ? change.logSize : nil)
    }

    private func record(_ event: SignetEvent, at time: Date, eventID: [UInt8], salt: [UInt8], appendedAfter logSize: UInt64?) async throws -> UInt64 {
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
        let index: UInt64
        if let holder = event.holder {
            let secret = SymmetricKey(data: try await activitySecret(holder.rawValue))
            let details = event.details
            let entry = try LedgerEvent(
                kind: event.kind, time: seconds, party: event.party?.rawValue,
                pseudonym: LedgerEvent.pseudonym(activitySecret: secret, eventID: eventID),
                commitment: try LedgerEvent.commitment(salt: salt, details: details)).entry()
            if let logSize, let earlier = try await find(entry, from: logSize) {
                index = earlier
            } else {
                index = try await log.append(entry)
            }
            try await activity.record(ActivityRecord(
                holderID: holder.rawValue, ledgerIndex: index, kind: event.kind.rawValue, eventID: eventID, salt: salt,
                details: try CanonicalJSON.encode(details), time: Date(timeIntervalSince1970: Double(seconds))))
        } else if case .finding(let party, let rule) = event {
            index = try await log.append(LedgerEvent(kind: .finding, time: seconds, party: party.rawValue, rule: rule).entry())
        } else if let party = event.party {
            index = try await log.append(LedgerEvent(kind: event.kind, time: seconds, party: party.rawValue).entry())
        } else if case .protocolChange(let change) = event {
            index = try await log.append(LedgerEvent(time: seconds, protocolChange: change).entry())
        } else {
            // Every other case of SignetEvent names a holder or a party; a new one that names neither is a bug here.
            preconditionFailure("an event without a holder, a party or a protocol change")
        }
        let recorded = RecordedEvent(event: event, ledgerIndex: index, time: Date(timeIntervalSince1970: Double(seconds)))
        for observer in observers {
            await observer.observe(recorded)
        }
        return index
    }

    /// The index of `entry` at `start` or later, if the log holds it. Only a recovery asks, and
    /// only about entries appended since its change began, so the scan is short.
    private func find(_ entry: [UInt8], from start: UInt64) async throws -> UInt64? {
        var index = start
        while true {
            let page = try await log.entries(from: index, count: 256)
            if let offset = page.firstIndex(of: entry) { return index + UInt64(offset) }
            guard page.count == 256 else { return nil }
            index += 256
        }
    }

    private func activitySecret(_ holderID: String) async throws -> [UInt8] {
        if let cached = secrets.get(holderID) { return cached }
        let secret = try await activity.activitySecret(holderID: holderID)
        secrets.put(holderID, secret)
        return secret
    }
}

/// An event to be logged exactly once across attempts: its id, salt and time are fixed when it
/// is prepared, so an attempt after a failure finds the entry an earlier attempt may have
/// appended before it failed (the append is durable before the holder's record is stored), and
/// uses it rather than appending a second.
struct OnceEvent: Sendable {
    let event: SignetEvent
    let time: Date
    let eventID: [UInt8]
    let salt: [UInt8]
    /// The log's size before the first attempt: a retry searches from here.
    let logSize: UInt64
    fileprivate(set) var attempted = false
}

extension EventRecorder {
    /// Prepares `event` at `time` to be recorded once, however many attempts it takes.
    func once(_ event: SignetEvent, at time: Date) async -> OnceEvent {
        OnceEvent(event: event, time: time, eventID: random.bytes(16), salt: random.bytes(16), logSize: await log.sizeLowerBound())
    }

    /// Records a prepared event; a second call (after the first threw) finds the first's entry
    /// in the log if it was appended.
    @discardableResult
    func record(_ prepared: inout OnceEvent) async throws -> UInt64 {
        let recovering = prepared.attempted
        prepared.attempted = true
        return try await record(prepared.event, at: prepared.time, eventID: prepared.eventID, salt: prepared.salt,
                                appendedAfter: recovering ? prepared.logSize : nil)
    }
}
