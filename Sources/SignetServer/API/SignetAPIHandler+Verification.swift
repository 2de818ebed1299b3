import SignetMarket
import SignetAPI
import SignetCore
import SignetService

/// `POST /v1/permissions` (holder: a one-use grant) and `POST /v1/verifications` (party).
extension SignetAPIHandler {
    func createPermission(_ input: Operations.CreatePermission.Input) async throws -> Operations.CreatePermission.Output {
        let request = switch input.body { case .json(let body): body }
        let issued = try await api().permit(
            PermissionRequest(templateID: request.templateId, partyID: request.partyId, lifetimeSeconds: request.ttlSeconds.map(Int.init)),
            as: try caller())
        return .created(.init(body: .json(Self.wire(issued.grant, token: issued.token, forHolder: true, now: try now()))))
    }

    /// The `use` event is appended before the signed answer is released (see ``SignetService/verify(_:as:)``).
    func createVerification(_ input: Operations.CreateVerification.Input) async throws -> Operations.CreateVerification.Output {
        let request: VerificationRequest = switch input.body {
        case .json(.probe(let body)):
            .probe(token: body.consentToken, probe: Self.input(body.probe))
        case .json(.device(let body)):
            .device(token: body.consentToken, challengeID: body.challengeId, signature: body.signature)
        }
        let nonce = switch input.body {
        case .json(.probe(let body)): body.nonce
        case .json(.device(let body)): body.nonce
        }
        let outcome = try await api().verify(request, nonce: nonce, as: try caller())
        return .ok(.init(body: .json(.init(result: outcome.result))))
    }
}
