import Crypto
public import Foundation
public import SignetCore
public import SignetMarket
import SignetWatch

/// A trade code as issued to its holder: shown once, only its hash is stored.
public struct IssuedTradeCode: Sendable, Equatable {
    /// `tc_` and 16 random bytes in base64url: what the holder hands a party.
    public let code: String
    /// When it stops working.
    public let expiresAt: Date
}

/// An offer the protocol let through, as its party sees it.
public struct OfferOutcome: Sendable, Equatable {
    /// The stored offer (its holder id stays inside Signet: the party is never shown it).
    public let offer: Offer
    /// The protocol's decision, every rule named.
    public let decision: ProtocolDecision
    /// Where the `offer` event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// A holder's decision on an offer, as recorded.
public struct OfferDecision: Sendable, Equatable {
    /// The offer after the decision.
    public let offer: Offer
    /// Where the decision's event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// The market's first steps: trade codes, offers judged by the trust protocol, the holder's
/// inbox with risk reports, and declining. (Accepting, grants and their tokens come next.)
extension SignetService {
    /// How many days a trade code may work, and by default.
    public static let tradeCodeLifetimes = 1...30
    static let defaultTradeCodeDays = 7

    /// Issues a single-use trade code for the caller to hand one party.
    /// - Parameter days: how long it works (``tradeCodeLifetimes``; `nil`: 7 days).
    /// - Throws: ``ServiceError`` `.holderOnly`, `.invalidField`, `.rateLimited`.
    public func issueTradeCode(days: Int? = nil, as caller: PrincipalID) async throws -> IssuedTradeCode {
        let holder = try requireHolder(caller)
        let days = days ?? Self.defaultTradeCodeDays
        guard Self.tradeCodeLifetimes.contains(days) else {
            throw ServiceError(.invalidField, "lifetime_days must be between \(Self.tradeCodeLifetimes.lowerBound) and \(Self.tradeCodeLifetimes.upperBound)")
        }
        try await charge(RateBucket.permission(holder.rawValue), configuration.permissionRate, now: now, doing: "trade codes and permissions")
        let bytes = configuration.random.bytes(16)
        let expiry = now.addingTimeInterval(TimeInterval(days) * 86_400)
        try await stores.offers.insert(TradeCode(codeHash: Array(SHA256.hash(data: bytes)), holderID: holder.rawValue, expiresAt: expiry))
        return IssuedTradeCode(code: "tc_" + Base64.encodeURL(bytes), expiresAt: expiry)
    }

    /// A party's offer to the holder of `tradeCode`: judged by the trust protocol first (a
    /// refused offer never reaches the holder, leaves the code unspent, and names the rules that
    /// refused it), then delivered to the holder's inbox with a risk report and logged as `offer`.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.rateLimited`, `.protocolRefused`, `.notFound`
    ///   (an unknown, spent or expired trade code).
    public func makeOffer(_ terms: OfferTerms, tradeCode: String, as caller: PrincipalID) async throws -> OfferOutcome {
        guard let partyID = PartyID(caller), let party = try await stores.identities.party(partyID) else {
            throw ServiceError(.partyOnly, "only a registered party may make offers")
        }
        let now = self.now
        try await chargeParty(partyID, now: now)
        let active = try await activeProtocol()
        let rules = active.rules
        // Deliberate: findings are not counted here. One whose rule has consequences has suspended the
        // party already; the rest (unconsented, burst) show in the risk report, and nothing closes a
        // finding yet, so counting them would bar an honest party for good after one bad minute.
        let decision = rules.evaluate(OfferContext(terms: terms, partyStatus: party.status, now: now), contentID: active.contentID)
        guard decision.allowed else {
            // Counted for the party's record (risk reports); a failure to count must not hide the refusal.
            try? await stores.offers.recordRefusal(partyID: partyID.rawValue, at: now)
            let named = decision.refusals.map { "\($0.ruleID): \($0.reason)" }.joined(separator: "; ")
            throw ServiceError(.protocolRefused, "the trust protocol (version \(decision.protocolVersion)) refused the offer: \(named)")
        }
        guard tradeCode.hasPrefix("tc_"), let bytes = Base64.decodeURL(tradeCode.dropFirst(3)), bytes.count == 16,
              let holderText = try await stores.offers.redeem(codeHash: Array(SHA256.hash(data: bytes)), now: now),
              let holder = HolderID(holderText) else {
            throw ServiceError(.notFound, "no such trade code (unknown, already used or expired)")
        }
        let risk = RiskReport.assess(terms, party: try await record(of: party), prices: try await priceBenchmark(for: terms), rules: rules, now: now)
        let offer = Offer(id: Offer.newID(using: configuration.random), partyID: partyID.rawValue, holderID: holder.rawValue, terms: terms,
                          protocolID: decision.protocolID, risk: risk, createdAt: now)
        try await stores.offers.insert(offer)
        let index = try await recorder.record(.offer(holder: holder, party: partyID, offer: offer.id), at: now)
        return OfferOutcome(offer: offer, decision: decision, ledgerIndex: index)
    }

    /// What Signet's records say about a party for a risk report: its age, the grants holders
    /// made it and revoked, the offers the trust protocol refused, and the watch's findings.
    func record(of party: Party) async throws -> PartyRecord {
        let grants = try await stores.grants.record(partyID: party.id.rawValue)
        return PartyRecord(registeredAt: party.registeredAt, grants: grants.grants, revocations: grants.revocations,
                           ruleViolations: try await stores.offers.refusals(partyID: party.id.rawValue),
                           openFindings: try await stores.watch.findingCount(partyID: party.id.rawValue))
    }

    /// The median price of the latest 101 accepted offers like `terms` (purpose, scope, currency).
    func priceBenchmark(for terms: OfferTerms) async throws -> PriceBenchmark? {
        let prices = try await stores.offers.acceptedPrices(purpose: terms.purpose, scope: terms.scope.kind, currency: terms.price.currency, limit: 101)
        guard !prices.isEmpty else { return nil }
        return PriceBenchmark(medianMinorUnits: prices.sorted()[prices.count / 2], count: prices.count)
    }

    /// The caller's offers, newest first, each with its risk report.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func inbox(as caller: PrincipalID) async throws -> [Offer] {
        try await stores.offers.offers(holderID: try requireHolder(caller).rawValue)
    }

    /// Declines a pending offer and logs `decline`.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.notFound` (no such offer of the caller's),
    ///   `.conflict` (decided already).
    public func decline(offer id: String, as caller: PrincipalID) async throws -> OfferDecision {
        let holder = try requireHolder(caller)
        let now = self.now
        guard Offer.isID(id), let offer = try await stores.offers.decide(id, holderID: holder.rawValue, status: .declined, at: now),
              let party = PartyID(offer.partyID) else {
            if Offer.isID(id), let closed = try await stores.offers.offer(id), closed.holderID == holder.rawValue {
                throw ServiceError(.conflict, "offer \(id) is \(closed.status.rawValue) already")
            }
            throw ServiceError(.notFound, "no pending offer \(id) for you")
        }
        let index = try await recorder.record(.decline(holder: holder, party: party, offer: offer.id), at: now)
        return OfferDecision(offer: offer, ledgerIndex: index)
    }
}
