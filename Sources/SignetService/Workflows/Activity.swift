import Foundation
public import SignetLog
public import SignetMarket

/// One of a holder's events with what opens and proves it.
public struct ActivityEntry: Sendable {
    /// The private record: event id, salt and the details committed to.
    public let record: ActivityRecord
    /// The ledger entry as stored.
    public let entry: [UInt8]
    /// Its inclusion proof in the latest checkpoint (`c2sp.org/tlog-proof@v1`).
    public let proof: TlogProof
}

/// A holder's view of their own ledger events.
public struct HolderActivity: Sendable {
    /// The secret the holder recomputes their pseudonyms with.
    public let activitySecret: [UInt8]
    /// Their events, oldest first.
    public let entries: [ActivityEntry]
}

extension SignetService {
    /// The caller's own events with the secret, salts and proofs that let them check each one
    /// against the public log.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func activity(as caller: PrincipalID) async throws -> HolderActivity {
        let holder = try requireHolder(caller)
        let secret = try await stores.activity.activitySecret(holderID: holder.rawValue)
        var entries: [ActivityEntry] = []
        for record in try await stores.activity.activity(holderID: holder.rawValue) {
            entries.append(ActivityEntry(
                record: record, entry: try await ledger.entry(at: record.ledgerIndex),
                proof: try await ledger.proof(index: record.ledgerIndex)))
        }
        return HolderActivity(activitySecret: secret, entries: entries)
    }
}
