public import Foundation
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
        /// Principals whose key the operator revoked.
        var revoked: Set<PrincipalID> = []
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

    public func setStatus(_ status: PartyStatus, of id: PartyID, at date: Date) async throws -> Party? {
        state.withLock { state in
            state.parties[id]?.status = status
            if status == .approved, state.parties[id]?.approvedAt == nil { state.parties[id]?.approvedAt = date }
            return state.parties[id]
        }
    }

    public func activeKey(of principal: PrincipalID) async throws -> [UInt8]? {
        state.withLock { state in
            guard !state.revoked.contains(principal) else { return nil }
            if let holder = HolderID(principal) { return state.holders[holder]?.publicKey }
            if let party = PartyID(principal) { return state.parties[party]?.publicKey }
            return nil
        }
    }

    public func replaceKey(of principal: PrincipalID, from old: [UInt8], to new: [UInt8]) async throws -> Bool {
        try state.withLock { state in
            guard !state.revoked.contains(principal) else { return false }
            if let id = HolderID(principal) {
                guard let holder = state.holders[id], holder.publicKey == old else { return false }
                guard !state.holderKeys.contains(new) else { throw MarketError(.conflict, "this public key is already registered") }
                state.holderKeys.remove(old)
                state.holderKeys.insert(new)
                state.holders[id] = Holder(id: id, publicKey: new, registeredAt: holder.registeredAt)
                return true
            }
            if let id = PartyID(principal) {
                guard let party = state.parties[id], party.publicKey == old else { return false }
                guard !state.partyKeys.contains(new) else { throw MarketError(.conflict, "this public key is already registered") }
                state.partyKeys.remove(old)
                state.partyKeys.insert(new)
                state.parties[id] = try Party(id: id, name: party.name, contact: party.contact, publicKey: new, status: party.status,
                                              registeredAt: party.registeredAt, approvedAt: party.approvedAt)
                return true
            }
            return false
        }
    }

    public func revokeKey(of principal: PrincipalID, at date: Date) async throws -> Bool {
        state.withLock { state in
            let known = HolderID(principal).map { state.holders[$0] != nil } ?? PartyID(principal).map { state.parties[$0] != nil } ?? false
            return known && state.revoked.insert(principal).inserted
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
