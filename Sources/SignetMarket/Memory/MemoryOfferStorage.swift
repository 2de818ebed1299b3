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
        newestFirst { $0.holderID == holderID }
    }

    public func offers(partyID: String) async throws -> [Offer] {
        newestFirst { $0.partyID == partyID }
    }

    public func counter(_ id: String, holderID: String, counter: Counter, at date: Date) async throws -> Offer? {
        transition(id, at: date, if: { $0.holderID == holderID && $0.status == .pending }) {
            $0.status = .countered
            $0.counter = counter
        }
    }

    public func settle(_ id: String, partyID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        transition(id, at: date, if: { $0.partyID == partyID && $0.status == .countered }) { $0.status = status }
    }

    public func decide(_ id: String, holderID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        transition(id, at: date, if: { $0.holderID == holderID && $0.status == .pending }) { $0.status = status }
    }

    /// Newest first, ties by id, as the database stores order them.
    private func newestFirst(_ matching: (Offer) -> Bool) -> [Offer] {
        state.withLock { $0.offers.values.filter(matching).sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) } }
    }

    /// The compare-and-set of every decision: `change` applies (and `decidedAt` is set) only
    /// while `allowed` holds, under the store's lock.
    private func transition(_ id: String, at date: Date, if allowed: (Offer) -> Bool, _ change: (inout Offer) -> Void) -> Offer? {
        state.withLock { state in
            guard var offer = state.offers[id], allowed(offer) else { return nil }
            change(&offer)
            offer.decidedAt = date
            state.offers[id] = offer
            return offer
        }
    }
}
