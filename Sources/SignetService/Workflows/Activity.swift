import Foundation
import SignetCore
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
    /// One page of their events, oldest first.
    public let entries: [ActivityEntry]
    /// Where the next page starts, or `nil` when this is the last one.
    public let nextCursor: String?
}

extension SignetService {
    /// One page of the caller's own events with the secret, salts and proofs that let them
    /// check each one against the public log.
    /// - Parameters:
    ///   - cursor: `nextCursor` of the previous page; `nil` for the first.
    ///   - limit: events per page, ``activityPageSizes`` (default 50): each costs a proof.
    /// - Throws: ``ServiceError`` `.holderOnly`, or `.invalidField` for a cursor this server did
    ///   not give or a page size out of range.
    public func activity(as caller: PrincipalID, after cursor: String? = nil, limit: Int? = nil) async throws -> HolderActivity {
        let holder = try requireHolder(caller)
        let limit = limit ?? 50
        guard Self.activityPageSizes.contains(limit) else {
            throw ServiceError(.invalidField, "limit must be between \(Self.activityPageSizes.lowerBound) and \(Self.activityPageSizes.upperBound)")
        }
        // The cursor is the last event's ledger index; only exact decimal digits are one.
        var after: UInt64?
        if let cursor {
            guard cursor.utf8.count <= 20, cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let index = UInt64(cursor) else {
                throw ServiceError(.invalidField, "cursor is not one this server gave")
            }
            after = index
        }
        let secret = try await stores.activity.activitySecret(holderID: holder.rawValue)
        let records = try await stores.activity.activity(holderID: holder.rawValue, after: after, limit: limit + 1)
        let page = Array(records.prefix(limit))
        // One checkpoint and one read of each tile for the whole page.
        let proofs = try await ledger.proofs(indices: page.map(\.ledgerIndex))
        var entries: [ActivityEntry] = []
        for (record, proof) in zip(page, proofs) {
            entries.append(ActivityEntry(record: record, entry: try await ledger.entry(at: record.ledgerIndex), proof: proof))
        }
        let next = records.count > limit ? entries.last.map { "\($0.record.ledgerIndex)" } : nil
        return HolderActivity(activitySecret: secret, entries: entries, nextCursor: next)
    }

    /// The page sizes ``activity(as:after:limit:)`` accepts.
    public static let activityPageSizes = 1...100
}
