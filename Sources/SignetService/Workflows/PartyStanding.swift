import Foundation
public import SignetMarket
import SignetCore

/// A party's standing as the operator changed it, with the ledger index of the change.
public struct StandingChange: Sendable, Equatable {
    /// The party after the change.
    public let party: Party
    /// Where the `approve` or `suspend` event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// The operator's decisions about parties: every change is logged, like any other event.
extension SignetService {
    /// Parties, optionally only those with `status`, oldest first.
    public func parties(status: PartyStatus?) async throws -> [Party] {
        try await stores.identities.parties(status: status)
    }

    /// Approves a party: it may then verify holders who consent. Logged as `approve`.
    /// - Throws: ``ServiceError`` `.invalidField` (not a party id) or `.notFound`.
    public func approve(party id: String) async throws -> StandingChange {
        try await setStanding(.approved, of: id)
    }

    /// Suspends a party: every verification it attempts is refused until it is approved again.
    /// Logged as `suspend`.
    /// - Throws: ``ServiceError`` `.invalidField` (not a party id) or `.notFound`.
    public func suspend(party id: String) async throws -> StandingChange {
        try await setStanding(.suspended, of: id)
    }

    /// Sets `status` (approved or suspended) and logs the matching event.
    private func setStanding(_ status: PartyStatus, of id: String) async throws -> StandingChange {
        precondition(status != .pending, "a party never returns to pending")
        guard let partyID = PartyID(id) else {
            throw ServiceError(.invalidField, "\(id) is not a party id (p_…)")
        }
        guard try await stores.identities.party(partyID) != nil else {
            throw ServiceError(.notFound, "no party \(id)")
        }
        // Deliberate: the decision is logged before it takes effect. A crash in between leaves a
        // logged decision to apply again, never an applied one nobody can see.
        let index = try await recorder.record(status == .approved ? .approveParty(partyID) : .suspendParty(partyID), at: now)
        guard let party = try await stores.identities.setStatus(status, of: partyID, at: now) else {
            throw ServiceError(.notFound, "no party \(id)")
        }
        return StandingChange(party: party, ledgerIndex: index)
    }
}
