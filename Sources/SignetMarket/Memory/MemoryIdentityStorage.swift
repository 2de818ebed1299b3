import Foundation
import Synchronization
import SignetCore

/// The in-memory reference ``IdentityStorage``: what the database stores must do, for one
/// process (workflow tests, the storage conformance suite).
public final class MemoryIdentityStorage: IdentityStorage {
    private struct State {
        var holders: [HolderID: Holder] = [:]
        var parties: [PartyID: Party] = [:]
        /// Registered keys, per table: a holder's key and a party's key are unique among their own kind.
        var holderKeys: Set<[UInt8]> = []
        var partyKeys: Set<[UInt8]> = []
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func insert(_ holder: Holder) async throws {
        try state.withLock { state in
            guard state.holderKeys.insert(holder.publicKey).inserted else { throw MarketError(.conflict, "this public key is already registered") }
            state.holders[holder.id] = holder
        }
    }

    public func insert(_ party: Party) async throws {
        try state.withLock { state in
            guard state.partyKeys.insert(party.publicKey).inserted else { throw MarketError(.conflict, "this public key is already registered") }
            state.parties[party.id] = party
        }
    }

    public func holder(_ id: HolderID) async throws -> Holder? {
        state.withLock { $0.holders[id] }
    }

    public func party(_ id: PartyID) async throws -> Party? {
        state.withLock { $0.parties[id] }
    }

    public func setStatus(_ status: PartyStatus, of id: PartyID) async throws -> Party? {
        state.withLock { state in
            state.parties[id]?.status = status
            return state.parties[id]
        }
    }

    public func parties(status: PartyStatus?) async throws -> [Party] {
        // Oldest first, ties by id, as the database stores order them.
        state.withLock { state in
            state.parties.values.filter { status == nil || $0.status == status }
                .sorted { ($0.registeredAt, $0.id.rawValue) < ($1.registeredAt, $1.id.rawValue) }
        }
    }
}
