public import Foundation
import SignetCore
import Synchronization

/// The in-memory reference ``OfferStorage``.
public final class MemoryOfferStorage: OfferStorage {
    private struct State {
        var codes: [[UInt8]: (code: TradeCode, spent: Bool)] = [:]
        var offers: [String: Offer] = [:]
        var refusals: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func insert(_ code: TradeCode) async throws {
        try state.withLock { state in
            guard state.codes[code.codeHash] == nil else { throw MarketError(.conflict, "this trade code is already stored") }
            state.codes[code.codeHash] = (code, false)
        }
    }

    public func redeem(codeHash: [UInt8], now: Date) async throws -> String? {
        state.withLock { state in
            guard let entry = state.codes[codeHash], !entry.spent, entry.code.expiresAt > now else { return nil }
            state.codes[codeHash]?.spent = true
            return entry.code.holderID
        }
    }

    public func recordRefusal(partyID: String, at date: Date) async throws {
        state.withLock { $0.refusals[partyID, default: 0] += 1 }
    }

    public func refusals(partyID: String) async throws -> Int {
        state.withLock { $0.refusals[partyID] ?? 0 }
    }

    public func acceptedPrices(purpose: String, scope: String, currency: String, limit: Int) async throws -> [Int64] {
        state.withLock { state in
            state.offers.values.filter { $0.status == .accepted }.sorted { ($0.decidedAt ?? .distantPast) > ($1.decidedAt ?? .distantPast) }
                .map { $0.counter?.terms ?? $0.terms }
                .filter { $0.purpose == purpose && $0.scope.kind == scope && $0.price.currency == currency }
                .prefix(limit).map(\.price.minorUnits)
        }
    }

    public func insert(_ offer: Offer) async throws {
        try state.withLock { state in
            guard state.offers[offer.id] == nil else { throw MarketError(.conflict, "this offer id is already stored") }
            state.offers[offer.id] = offer
        }
    }

    public func offer(_ id: String) async throws -> Offer? {
        state.withLock { $0.offers[id] }
    }

    public func offers(holderID: String) async throws -> [Offer] {
        // Newest first, ties by id, as the database stores order them.
        state.withLock { state in
            state.offers.values.filter { $0.holderID == holderID }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        }
    }

    public func offers(partyID: String) async throws -> [Offer] {
        state.withLock { state in
            state.offers.values.filter { $0.partyID == partyID }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        }
    }

    public func counter(_ id: String, holderID: String, counter: Counter, at date: Date) async throws -> Offer? {
        state.withLock { state in
            guard var offer = state.offers[id], offer.holderID == holderID, offer.status == .pending else { return nil }
            offer.status = .countered
            offer.counter = counter
            offer.decidedAt = date
            state.offers[id] = offer
            return offer
        }
    }

    public func settle(_ id: String, partyID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        state.withLock { state in
            guard var offer = state.offers[id], offer.partyID == partyID, offer.status == .countered else { return nil }
            offer.status = status
            offer.decidedAt = date
            state.offers[id] = offer
            return offer
        }
    }

    public func decide(_ id: String, holderID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        state.withLock { state in
            guard var offer = state.offers[id], offer.holderID == holderID, offer.status == .pending else { return nil }
            offer.status = status
            offer.decidedAt = date
            state.offers[id] = offer
            return offer
        }
    }
}
