public import Foundation

/// An event once it is durable in the ledger.
public struct RecordedEvent: Sendable, Equatable {
    /// What happened.
    public let event: SignetEvent
    /// Its index in the ledger.
    public let ledgerIndex: UInt64
    /// When, to the whole second written in the entry.
    public let time: Date
}

/// Sees every event after it is durable: where the watch attaches.
///
/// Observers run in the recording workflow's task, after the entry is durable and before the
/// workflow answers. They cannot fail the workflow (the event already happened); an observer
/// with slow work hands it to its own task.
public protocol EventObserver: Sendable {
    /// Called once per recorded event, in ledger order for one workflow.
    func observe(_ event: RecordedEvent) async
}
