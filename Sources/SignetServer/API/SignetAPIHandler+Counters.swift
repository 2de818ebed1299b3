import Foundation
import SignetAPI
import SignetMarket
import SignetService

/// Counter-offers: the holder counters; the party lists its offers and accepts or declines.
extension SignetAPIHandler {
    func counterOffer(_ input: Operations.CounterOffer.Input) async throws -> Operations.CounterOffer.Output {
        let request = switch input.body { case .json(let body): body }
        let changes = CounterChanges(maxUses: request.maxUses.map(Int.init), retentionDays: request.retentionDays.map(Int.init),
                                     priceMinorUnits: request.priceMinorUnits)
        let decision = try await api().counter(offer: input.path.offerId, changes: changes, templateID: request.templateId, as: try caller())
        return .ok(.init(body: .json(.init(id: decision.offer.id, status: .countered, ledgerIndex: Int64(decision.ledgerIndex)))))
    }

    func listPartyOffers(_ input: Operations.ListPartyOffers.Input) async throws -> Operations.ListPartyOffers.Output {
        let offers = try await api().partyOffers(as: try caller())
        return .ok(.init(body: .json(.init(offers: offers.map { offer in
            .init(id: offer.id, status: .init(rawValue: offer.status.rawValue) ?? .pending, terms: Self.wire(offer.terms),
                  counter: offer.counter.map { Self.wire($0.terms) }, protocolId: offer.protocolID, createdAt: offer.createdAt,
                  decidedAt: offer.decidedAt)
        }))))
    }

    func acceptCounter(_ input: Operations.AcceptCounter.Input) async throws -> Operations.AcceptCounter.Output {
        let issued = try await api().acceptCounter(offer: input.path.offerId, as: try caller())
        return .created(.init(body: .json(Self.wire(issued.grant, token: issued.token, forHolder: false, now: try now()))))
    }

    func declineCounter(_ input: Operations.DeclineCounter.Input) async throws -> Operations.DeclineCounter.Output {
        let decision = try await api().declineCounter(offer: input.path.offerId, as: try caller())
        return .ok(.init(body: .json(.init(id: decision.offer.id, status: .declined, ledgerIndex: Int64(decision.ledgerIndex)))))
    }
}
