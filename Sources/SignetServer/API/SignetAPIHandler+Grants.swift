import Foundation
import OpenAPIRuntime
import SignetAPI
import SignetCore
import SignetMarket
import SignetService

/// Grants: accepting offers, the holder's and the party's lists, revocation, receipts,
/// earnings and the public status list.
extension SignetAPIHandler {
    func acceptOffer(_ input: Operations.AcceptOffer.Input) async throws -> Operations.AcceptOffer.Output {
        let request = switch input.body { case .json(let body): body }
        let issued = try await api().accept(offer: input.path.offerId, templateID: request.templateId, as: try caller())
        return .created(.init(body: .json(Self.wire(issued.grant, token: issued.token, forHolder: true, now: try now()))))
    }

    func listHolderGrants(_ input: Operations.ListHolderGrants.Input) async throws -> Operations.ListHolderGrants.Output {
        let grants = try await api().holderGrants(as: try caller())
        let now = try now()
        return .ok(.init(body: .json(.init(grants: grants.map { Self.wire($0, token: nil, forHolder: true, now: now) }))))
    }

    func listPartyGrants(_ input: Operations.ListPartyGrants.Input) async throws -> Operations.ListPartyGrants.Output {
        let grants = try await api().partyGrants(as: try caller())
        let now = try now()
        return .ok(.init(body: .json(.init(grants: grants.map { Self.wire($0, token: $0.token, forHolder: false, now: now) }))))
    }

    func revokeGrant(_ input: Operations.RevokeGrant.Input) async throws -> Operations.RevokeGrant.Output {
        let (grant, index) = try await api().revoke(grant: input.path.handle, as: try caller())
        return .ok(.init(body: .json(.init(handle: grant.handle, state: .revoked, ledgerIndex: Int64(index)))))
    }

    func getGrantReceipt(_ input: Operations.GetGrantReceipt.Input) async throws -> Operations.GetGrantReceipt.Output {
        let bundle = try await api().receipt(grant: input.path.handle, as: try caller())
        let receipt = try JSONDecoder().decode(Components.Schemas.ReceiptBundle.ReceiptPayload.self, from: JSONEncoder().encode(bundle.receipt))
        return .ok(.init(body: .json(.init(receipt: receipt, proof: bundle.proof, entry: Base64.encode(bundle.entry)))))
    }

    func getEarnings(_ input: Operations.GetEarnings.Input) async throws -> Operations.GetEarnings.Output {
        let lines = try await api().earnings(as: try caller())
        let totals = try EarningsLine.totals(of: lines)
        return .ok(.init(body: .json(.init(
            lines: lines.map {
                .init(handle: $0.handle, offerId: $0.offerID, partyId: $0.partyID,
                      price: .init(minorUnits: $0.price.minorUnits, currency: $0.price.currency),
                      uses: Int32(clamping: $0.uses), maxUses: Int32(clamping: $0.maxUses), acceptedAt: $0.acceptedAt)
            },
            totals: totals.map { .init(minorUnits: $0.minorUnits, currency: $0.currency) }))))
    }

    func getGrantStatusList(_ input: Operations.GetGrantStatusList.Input) async throws -> Operations.GetGrantStatusList.Output {
        .ok(.init(body: .applicationStatuslistJwt(HTTPBody(try await api().statusListToken()))))
    }

    /// The service's clock.
    func now() throws -> Date { try api().configuration.now() }

    /// A grant as the wire shows it: the template id only to its holder, never to the party.
    static func wire(_ grant: Grant, token: String?, forHolder: Bool, now: Date) -> Components.Schemas.Grant {
        .init(token: token, handle: grant.handle, templateId: forHolder ? grant.templateID.rawValue : nil, partyId: grant.partyID,
              offerId: grant.offerID, purpose: grant.purpose ?? "dpv:IdentityVerification", maxUses: Int32(clamping: grant.maxUses),
              uses: Int32(clamping: grant.uses), state: .init(rawValue: grant.state(at: now).rawValue) ?? .active,
              issuedAt: grant.issuedAt, expiresAt: grant.expiresAt, revokedAt: grant.revokedAt, ledgerIndex: Int64(grant.statusIndex ?? 0))
    }
}

/// The holder's lockdown.
extension SignetAPIHandler {
    func lockdown(_ input: Operations.Lockdown.Input) async throws -> Operations.Lockdown.Output {
        let request = switch input.body { case .json(let body): body }
        guard request.confirm else {
            throw Problem(.invalidField, detail: "a lockdown revokes every grant and locks every template until it is renewed; send confirm: true to do it")
        }
        let outcome = try await api().lockdown(as: try caller())
        return .ok(.init(body: .json(.init(
            grantsRevoked: Int32(clamping: outcome.grantsRevoked), offersRefused: Int32(clamping: outcome.offersRefused),
            templatesLocked: Int32(clamping: outcome.templatesLocked), partiesNotified: outcome.partiesNotified,
            ledgerIndex: Int64(outcome.ledgerIndex)))))
    }
}
