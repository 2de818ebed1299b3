import SignetMarket
import SignetAPI
import SignetCore
import SignetService

/// `POST /v1/challenges`: an approved party starts a device-mode verification.
extension SignetAPIHandler {
    func createChallenge(_ input: Operations.CreateChallenge.Input) async throws -> Operations.CreateChallenge.Output {
        let request = switch input.body { case .json(let body): body }
        let issued = try await api().challenge(token: request.consentToken, as: try caller())
        let challenge = issued.challenge
        return .created(.init(body: .json(.init(
            id: challenge.id, handle: issued.handle, nonce: Base64.encodeURL(challenge.nonce), expiresAt: challenge.expiresAt))))
    }
}
