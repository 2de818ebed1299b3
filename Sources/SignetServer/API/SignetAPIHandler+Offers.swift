import Foundation
import SignetAPI
import SignetCore
import SignetMarket
import SignetService

/// The market's operations: trade codes, offers, the holder's inbox, declining.
extension SignetAPIHandler {
    func createTradeCode(_ input: Operations.CreateTradeCode.Input) async throws -> Operations.CreateTradeCode.Output {
        let request = switch input.body { case .json(let body): body }
        let issued = try await api().issueTradeCode(days: request.lifetimeDays.map(Int.init), as: try caller())
        return .created(.init(body: .json(.init(code: issued.code, expiresAt: issued.expiresAt))))
    }

    func createOffer(_ input: Operations.CreateOffer.Input) async throws -> Operations.CreateOffer.Output {
        let request = switch input.body { case .json(let body): body }
        let outcome = try await api().makeOffer(try Self.terms(request.terms), tradeCode: request.tradeCode, as: try caller())
        return .created(.init(body: .json(.init(
            id: outcome.offer.id, status: .pending, protocolId: outcome.decision.protocolID,
            protocolVersion: Int64(outcome.decision.protocolVersion),
            rules: outcome.decision.outcomes.map { .init(rule: $0.ruleID, passed: $0.passed, reason: $0.reason) },
            ledgerIndex: Int64(outcome.ledgerIndex)))))
    }

    func listHolderOffers(_ input: Operations.ListHolderOffers.Input) async throws -> Operations.ListHolderOffers.Output {
        let offers = try await api().inbox(as: try caller())
        let changes = try await api().pendingProtocols().map(Self.wire)
        let inbox = offers.map { offer -> Components.Schemas.InboxOffer in
            .init(id: offer.id, partyId: offer.partyID, terms: Self.wire(offer.terms),
                  risk: .init(score: Int32(offer.risk.score), level: .init(rawValue: offer.risk.level.rawValue) ?? .high,
                              reasons: offer.risk.reasons.map { .init(factor: $0.factor, points: Int32(clamping: $0.points), sentence: $0.sentence) }),
                  protocolId: offer.protocolID, status: .init(rawValue: offer.status.rawValue) ?? .pending,
                  counter: offer.counter.map { Self.wire($0.terms) }, createdAt: offer.createdAt, decidedAt: offer.decidedAt)
        }
        return .ok(.init(body: .json(.init(offers: inbox, protocolChanges: changes))))
    }

    func declineOffer(_ input: Operations.DeclineOffer.Input) async throws -> Operations.DeclineOffer.Output {
        let decision = try await api().decline(offer: input.path.offerId, as: try caller())
        return .ok(.init(body: .json(.init(id: decision.offer.id, status: .declined, ledgerIndex: Int64(decision.ledgerIndex)))))
    }

    /// Wire terms to typed terms; what a schema cannot say (attributes only with that scope) is checked here.
    static func terms(_ wire: Components.Schemas.OfferTerms) throws -> OfferTerms {
        let scope: OfferTerms.Scope
        switch (wire.scope.kind, wire.scope.attributes) {
        case (.verify, nil): scope = .verify
        case (.attributes, let names?): scope = .attributes(names)
        case (.templateTransfer, nil): scope = .templateTransfer
        default: throw Problem(.invalidField, detail: "scope.attributes goes with scope.kind attributes, and only with it")
        }
        return OfferTerms(scope: scope, purpose: wire.purpose, purposeText: wire.purposeText, retentionDays: Int(wire.retentionDays),
                          maxUses: Int(wire.maxUses), validityDays: Int(wire.validityDays), expiresAt: wire.expiresAt,
                          price: .init(minorUnits: wire.price.minorUnits, currency: wire.price.currency), onwardTransfer: wire.onwardTransfer)
    }

    /// Typed terms as the wire shows them.
    static func wire(_ terms: OfferTerms) -> Components.Schemas.OfferTerms {
        let scope: Components.Schemas.OfferScope = switch terms.scope {
        case .verify: .init(kind: .verify)
        case .attributes(let names): .init(kind: .attributes, attributes: names)
        case .templateTransfer: .init(kind: .templateTransfer)
        }
        return .init(scope: scope, purpose: terms.purpose, purposeText: terms.purposeText, retentionDays: Int32(clamping: terms.retentionDays),
                     maxUses: Int32(clamping: terms.maxUses), validityDays: Int32(clamping: terms.validityDays), expiresAt: terms.expiresAt,
                     price: .init(minorUnits: terms.price.minorUnits, currency: terms.price.currency), onwardTransfer: terms.onwardTransfer)
    }
}
