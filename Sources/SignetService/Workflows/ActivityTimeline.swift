public import Foundation
import SignetCore
public import SignetMarket

/// One of a holder's events without its proof: enough to count and to page.
public struct TimelineEvent: Sendable, Equatable {
    /// Where its entry sits in the ledger.
    public let ledgerIndex: UInt64
    /// Its type (`enroll`, `use`, …).
    public let kind: String
    /// When it happened.
    public let time: Date
}

extension SignetService {
    /// The most events ``activityTimeline(as:)`` reads: a bound on one dashboard page's work.
    public static let timelineLimit = 10_000

    /// Every one of the caller's events, oldest first, without proofs or secrets: what the
    /// dashboard counts its pictures from and pages ``activity(as:after:limit:)`` with (newest
    /// page first). At most ``timelineLimit``, the newest ones.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func activityTimeline(as caller: PrincipalID) async throws -> [TimelineEvent] {
        let holder = try requireHolder(caller)
        var events: [TimelineEvent] = []
        var after: UInt64?
        // In pages of 1,000, so no single read holds the whole history's details at once.
        while true {
            let page = try await stores.activity.activity(holderID: holder.rawValue, after: after, limit: 1_000)
            events += page.map { TimelineEvent(ledgerIndex: $0.ledgerIndex, kind: $0.kind, time: $0.time) }
            if events.count > Self.timelineLimit { events.removeFirst(events.count - Self.timelineLimit) }
            guard page.count == 1_000, let last = page.last else { return events }
            after = last.ledgerIndex
        }
    }

    /// The public names of parties, by id; ids that name no party are left out.
    /// - Parameter ids: at most 1,000 are looked up (a page never shows more).
    public func partyNames(_ ids: some Sequence<String>) async throws -> [String: String] {
        var names: [String: String] = [:]
        for id in Set(ids).prefix(1_000) {
            guard let partyID = PartyID(id), let party = try await stores.identities.party(partyID) else { continue }
            names[id] = party.name
        }
        return names
    }
}
