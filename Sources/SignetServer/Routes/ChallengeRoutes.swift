import Foundation
import Hummingbird
import SignetCore
import SignetMarket

extension VerificationRoutes {
    private struct ChallengeRequest: Decodable {
        let template_id: String
        let permission_token: String
    }

    /// How long a device has to answer a challenge.
    static let challengeLifetime: TimeInterval = 120

    /// `POST /v1/challenges`: an approved party starts a device-mode verification.
    ///
    /// Nothing is logged here: the `use` event is appended when the answer is verified. The party's
    /// bucket is charged, so challenges cannot be requested without limit.
    func createChallenge(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: services.configuration.maximumBodySize)
        let signature = try await authenticator.authenticate(request, body: body)
        let partyID = try await approvedParty(signature)
        _ = try StrictJSONObject(body, allowed: ["template_id", "permission_token"])
        guard let wire = try? JSONDecoder().decode(ChallengeRequest.self, from: Data(body)) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "template_id and permission_token are required strings")
        }
        let now = services.configuration.now()
        try await limit("party:\(partyID.rawValue)", services.configuration.partyRate, now: now)
        let challenge = Challenge.fresh(expiresAt: now.addingTimeInterval(Self.challengeLifetime))
        guard let token = Base64.decodeURL(wire.permission_token), token.count == 32,
              try await services.permissions.attach(challenge, tokenHash: Permission.hash(token: token), partyID: partyID.rawValue, templateID: wire.template_id, now: now)
        else {
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
        return try RequestBody.json(.created, [
            "id": .string(challenge.id), "nonce": .string(Base64.encodeURL(challenge.nonce)),
            "expires_at": .string(ISO8601DateFormatter().string(from: challenge.expiresAt)),
        ])
    }
}
