public import Foundation
import SignetCore
public import SignetMarket
import SignetVault

/// What a lockdown did.
public struct LockdownOutcome: Sendable, Equatable {
    /// Grants revoked (each now INVALID in the status list).
    public let grantsRevoked: Int
    /// Pending offers and open counters refused.
    public let offersRefused: Int
    /// Templates marked for renewal.
    public let templatesLocked: Int
    /// The parties told, by a `revoke` or `decline` entry naming them.
    public let partiesNotified: [String]
    /// Where the `lockdown` event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// The holder's one step when their signature may be out: everything stops, and only a fresh
/// sample brings them back.
extension SignetService {
    /// Locks everything down for the caller:
    /// 1. marks every template for renewal, so no grant can be given on helper data that may
    ///    have leaked (renewal from a fresh sample lifts it, with new helper data and a new key);
    /// 2. revokes every grant (INVALID in the status list at once);
    /// 3. refuses every pending offer and open counter;
    /// 4. logs `lockdown`, then tells each party by a `revoke` (or `decline`) entry naming it,
    ///    the same entries a single revocation or decline writes.
    ///
    /// Deliberate order: the templates and grants stop before anything is logged, so a failure
    /// part-way leaves the holder safer, never exposed; running it again finishes the rest,
    /// including the `revoke` entries an interrupted run did not write. (An offer the
    /// interrupted run refused stays refused; its `decline` entry is not written again.)
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func lockdown(as caller: PrincipalID) async throws -> LockdownOutcome {
        let holder = try requireHolder(caller)
        let now = self.now
        let templates = try await stores.templates.lockAll(holderID: holder.rawValue, at: now)
        let revoked = try await stores.grants.revokeAll(.holder(holder.rawValue), cause: .lockdown, now: now)
        statusListCache.clear()
        var refused: [Offer] = []
        for offer in try await stores.offers.offers(holderID: holder.rawValue) {
            let closed: Offer? = switch offer.status {
            case .pending: try await stores.offers.decide(offer.id, holderID: holder.rawValue, status: .declined, at: now)
            case .countered: try await stores.offers.settle(offer.id, partyID: offer.partyID, status: .declined, at: now)
            case .accepted, .declined: nil
            }
            if let closed { refused.append(closed) }
        }
        let index = try await recorder.record(
            .lockdown(holder: holder, grants: revoked.count, offers: refused.count, templates: templates), at: now)
        var notified = Set<String>()
        for grant in revoked + (try await untoldLockdownRevocations(of: holder, besides: revoked)) {
            guard let party = PartyID(grant.partyID) else { continue }
            try await recorder.record(.revoke(holder: holder, party: party, grant: grant.handle), at: now)
            notified.insert(party.rawValue)
        }
        for offer in refused {
            guard let party = PartyID(offer.partyID) else { continue }
            try await recorder.record(.decline(holder: holder, party: party, offer: offer.id), at: now)
            notified.insert(party.rawValue)
        }
        return LockdownOutcome(grantsRevoked: revoked.count, offersRefused: refused.count, templatesLocked: templates,
                               partiesNotified: notified.sorted(), ledgerIndex: index)
    }

    /// Grants an earlier lockdown revoked whose party no `revoke` entry told: that lockdown
    /// stopped between revoking and logging. Read from the holder's own activity records, and
    /// only when an earlier lockdown revoked anything more than a minute ago: a lockdown still
    /// running (a double click), or a grant guard between its revocation and its entry, is
    /// left to write its own.
    private func untoldLockdownRevocations(of holder: HolderID, besides revoked: [Grant]) async throws -> [Grant] {
        let handles = Set(revoked.map(\.handle))
        let settled = now.addingTimeInterval(-60)
        let earlier = try await stores.grants.grants(holderID: holder.rawValue).filter {
            $0.revokedBy == .lockdown && !handles.contains($0.handle) && ($0.revokedAt ?? settled) < settled
        }
        guard !earlier.isEmpty else { return [] }
        var told = Set<String>()
        var cursor: UInt64?
        while true {
            let page = try await stores.activity.activity(holderID: holder.rawValue, after: cursor, limit: 1_000)
            for record in page where record.kind == "revoke" {
                if let details = try? JSONDecoder().decode([String: String].self, from: Data(record.details)), let handle = details["grant"] {
                    told.insert(handle)
                }
            }
            guard page.count == 1_000, let last = page.last else { break }
            cursor = last.ledgerIndex
        }
        return earlier.filter { !told.contains($0.handle) }
    }
}
