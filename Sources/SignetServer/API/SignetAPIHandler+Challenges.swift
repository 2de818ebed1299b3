import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetMarket

/// `POST /v1/challenges`: an approved party starts a device-mode verification.
extension SignetAPIHandler {
    /// How long a device has to answer a challenge.
    static let challengeLifetime: TimeInterval = 120

    /// Nothing is logged here: the `use` event is appended when the answer is verified. The
    /// party's bucket is charged, so challenges cannot be requested without limit.
    func createChallenge(_ input: Operations.CreateChallenge.Input) async throws -> Operations.CreateChallenge.Output {
        let (services, _, _) = try api()
        let partyID = try await approvedParty()
        let request = switch input.body { case .json(let body): body }
        let now = services.configuration.now()
        try await limit(RateBucket.party(partyID.rawValue), services.configuration.partyRate, now: now)
        let challenge = Challenge.fresh(expiresAt: now.addingTimeInterval(Self.challengeLifetime))
        guard let token = Base64.decodeURL(request.permissionToken), token.count == 32,
              try await services.permissions.attach(challenge, tokenHash: Permission.hash(token: token), partyID: partyID.rawValue,
                                                   templateID: request.templateId, now: now)
        else {
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
        return .created(.init(body: .json(.init(id: challenge.id, nonce: Base64.encodeURL(challenge.nonce), expiresAt: challenge.expiresAt))))
    }
}
