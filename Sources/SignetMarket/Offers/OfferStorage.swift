public import Foundation

/// Persistence of trade codes and offers; SignetStore implements it for SQLite and PostgreSQL.
public protocol OfferStorage: Sendable {
    /// Stores a new trade code.
    func insert(_ code: TradeCode) async throws
    /// Spends an unused, unexpired trade code, once even under concurrent offers, and returns
    /// the holder it names; `nil` for an unknown, spent or expired code.
    func redeem(codeHash: [UInt8], now: Date) async throws -> String?
    /// Notes that the trust protocol refused an offer of the party's (its record counts them).
    func recordRefusal(partyID: String, at date: Date) async throws
    /// How many of the party's offers the trust protocol refused.
    func refusals(partyID: String) async throws -> Int
    /// The prices of the latest `limit` accepted offers with this purpose, scope kind and
    /// currency (a counter's price where the party accepted a counter), for the risk report's
    /// price benchmark.
    func acceptedPrices(purpose: String, scope: String, currency: String, limit: Int) async throws -> [Int64]
    /// Stores a new offer.
    func insert(_ offer: Offer) async throws
    /// The offer with `id`, or `nil`.
    func offer(_ id: String) async throws -> Offer?
    /// The holder's offers, newest first.
    func offers(holderID: String) async throws -> [Offer]
    /// The party's offers, newest first.
    func offers(partyID: String) async throws -> [Offer]
    /// Records the holder's counter on a pending offer (compare-and-set: pending to countered).
    /// - Returns: the offer as countered, or `nil` when the holder has no such pending offer.
    func counter(_ id: String, holderID: String, counter: Counter, at date: Date) async throws -> Offer?
    /// Records the party's answer to a counter (compare-and-set: countered to `status`,
    /// accepted or declined). Returns the updated offer, or `nil` when the party has no such
    /// countered offer.
    func settle(_ id: String, partyID: String, status: OfferStatus, at date: Date) async throws -> Offer?
    /// Records the holder's decision on a pending offer: a compare-and-set, so an offer is
    /// decided once. Returns the updated offer, or `nil` when the holder has no such pending offer.
    func decide(_ id: String, holderID: String, status: OfferStatus, at date: Date) async throws -> Offer?
}
