import SignetAPI
import SignetCore
import SignetService

/// `POST /v1/holders/me/key`: a holder replaces their key, signed by the old key (the request)
/// and the new one (`proof`).
extension SignetAPIHandler {
    func rotateHolderKey(_ input: Operations.RotateHolderKey.Input) async throws -> Operations.RotateHolderKey.Output {
        let request = switch input.body { case .json(let body): body }
        guard let newKey = Base64.decodeURL(request.publicKey) else {
            throw Problem(.invalidField, detail: "public_key must be base64url without padding")
        }
        guard let proof = Base64.decodeURL(request.proof), proof.count == 64 else {
            throw Problem(.invalidField, detail: "proof must be a 64-byte signature in base64url without padding")
        }
        let caller = try caller()
        // The key this request verified under is the one replaced (compare-and-set), never a
        // key read again later: a key cached elsewhere cannot rotate away a newer one.
        let change = try await api().rotateKey(to: newKey, proof: proof, as: caller, signedWith: try callerKey())
        // This instance refuses the old key at once; the others within the cache lifetime.
        authenticator?.forget(caller)
        return .ok(.init(body: .json(.init(ledgerIndex: Int64(change.ledgerIndex)))))
    }
}
