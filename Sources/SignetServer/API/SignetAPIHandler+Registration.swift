import SignetMarket
import SignetAPI
import SignetCore
import SignetService

/// `POST /v1/holders`, `POST /v1/parties` and `GET /v1/parties/{partyId}`.
///
/// Registration is signed (RFC 9421) with the key being registered, its `keyid` being that key
/// in base64url, so nobody can register a key they do not hold.
extension SignetAPIHandler {
    func registerHolder(_ input: Operations.RegisterHolder.Input) async throws -> Operations.RegisterHolder.Output {
        let service = try api()
        let registration = switch input.body { case .json(let body): body }
        let holder = try service.newHolder(publicKey: try Self.publicKey(registration.publicKey))
        try await service.admitRegistration(from: ClientAddress.current)
        try await proveKeyPossession(holder.publicKey)
        try await service.register(holder)
        return .created(.init(body: .json(.init(id: holder.id.rawValue))))
    }

    func registerParty(_ input: Operations.RegisterParty.Input) async throws -> Operations.RegisterParty.Output {
        let service = try api()
        let registration = switch input.body { case .json(let body): body }
        let party = try service.newParty(name: registration.name, contact: registration.contact, publicKey: try Self.publicKey(registration.publicKey))
        try await service.admitRegistration(from: ClientAddress.current)
        try await proveKeyPossession(party.publicKey)
        try await service.register(party)
        return .created(.init(
            headers: .init(location: "/v1/parties/\(party.id.rawValue)"),
            body: .json(.init(id: party.id.rawValue, status: .pending))))
    }

    /// A party's public record, for any registered holder or party. The contact is not disclosed.
    func getParty(_ input: Operations.GetParty.Input) async throws -> Operations.GetParty.Output {
        let party = try await api().party(input.path.partyId)
        return .ok(.init(body: .json(.init(
            id: party.id.rawValue, name: party.name, publicKey: Base64.encodeURL(party.publicKey),
            status: Components.Schemas.PartyStatus(rawValue: party.status.rawValue) ?? .suspended,
            createdAt: party.registeredAt))))
    }

    /// Checks the request signature with `key` as its `keyid` (proof of possession).
    private func proveKeyPossession(_ key: [UInt8]) async throws {
        guard let authenticator else { throw Problem(.notFound, detail: "this server serves only the ledger") }
        let request = try signedRequest()
        _ = try await authenticator.authenticate(request.head, body: request.body, proofOfPossession: key)
    }

    /// The bytes of a base64url public key (the workflow checks they are an Ed25519 key).
    private static func publicKey(_ text: String) throws -> [UInt8] {
        guard let bytes = Base64.decodeURL(text) else {
            throw Problem(.invalidField, detail: "public_key must be base64url without padding")
        }
        return bytes
    }
}
