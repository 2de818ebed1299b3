import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetMarket

/// `POST /v1/holders`, `POST /v1/parties` and `GET /v1/parties/{partyId}`.
///
/// Registration is signed (RFC 9421) with the key being registered, its `keyid` being that key
/// in base64url, so nobody can register a key they do not hold.
extension SignetAPIHandler {
    func registerHolder(_ input: Operations.RegisterHolder.Input) async throws -> Operations.RegisterHolder.Output {
        let (services, _, authenticator) = try api()
        let registration = switch input.body { case .json(let body): body }
        let key = try Self.publicKey(registration.publicKey)
        try await proveKeyPossession(key, authenticator: authenticator)
        let holder = Holder(id: .random(.holder), publicKey: key, registeredAt: services.configuration.now())
        try await Self.mappingMarketErrors { try await services.identities.insert(holder) }
        return .created(.init(body: .json(.init(id: holder.id.rawValue))))
    }

    func registerParty(_ input: Operations.RegisterParty.Input) async throws -> Operations.RegisterParty.Output {
        let (services, _, authenticator) = try api()
        let registration = switch input.body { case .json(let body): body }
        let key = try Self.publicKey(registration.publicKey)
        let party = try await Self.mappingMarketErrors {
            try Party(id: .random(.party), name: registration.name, contact: registration.contact,
                      publicKey: key, status: .pending, registeredAt: services.configuration.now())
        }
        try await proveKeyPossession(key, authenticator: authenticator)
        try await Self.mappingMarketErrors { try await services.identities.insert(party) }
        return .created(.init(
            headers: .init(location: "/v1/parties/\(party.id.rawValue)"),
            body: .json(.init(id: party.id.rawValue, status: .pending))))
    }

    /// A party's public record, for any registered holder or party (a holder checks whom they are
    /// about to consent to). The contact is not disclosed.
    func getParty(_ input: Operations.GetParty.Input) async throws -> Operations.GetParty.Output {
        let (services, _, _) = try api()
        guard let partyID = PrincipalID(input.path.partyId), partyID.kind == .party else {
            throw Problem(.badRequest, code: "invalid_field", detail: "not a party id (p_ followed by 22 base64url characters)")
        }
        guard let party = try await services.identities.party(partyID) else {
            throw Problem(.notFound, code: "not_found", detail: "no such party")
        }
        return .ok(.init(body: .json(.init(
            id: party.id.rawValue, name: party.name, publicKey: Base64.encodeURL(party.publicKey),
            status: Components.Schemas.PartyStatus(rawValue: party.status.rawValue) ?? .suspended,
            createdAt: party.registeredAt))))
    }

    /// Checks the request signature with `key` as its `keyid` (proof of possession).
    private func proveKeyPossession(_ key: [UInt8], authenticator: RequestAuthenticator) async throws {
        let request = try signedRequest()
        _ = try await authenticator.authenticate(request.head, body: request.body, proofOfPossession: key)
    }

    /// A raw Ed25519 public key from its base64url form.
    private static func publicKey(_ text: String) throws -> [UInt8] {
        guard let bytes = Base64.decodeURL(text) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "public_key must be base64url without padding")
        }
        do { return try validatedPublicKey(bytes) } catch let error as MarketError { throw ErrorMapping.problem(for: error) }
    }

    /// Runs `work`, turning ``MarketError``s into their problems.
    static func mappingMarketErrors<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as MarketError { throw ErrorMapping.problem(for: error) }
    }
}
