import Foundation
import Hummingbird
import SignetCore
import SignetMarket

/// `POST /v1/holders` and `POST /v1/parties`: registration with proof of possession.
///
/// The request is signed (RFC 9421) with the key being registered, its `keyid` being that key
/// in base64url, so nobody can register a key they do not hold.
struct RegistrationRoutes: Sendable {
    let identities: any IdentityStorage
    let authenticator: RequestAuthenticator
    let configuration: APIConfiguration

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/v1/holders") { request, _ in try await registerHolder(request) }
        router.post("/v1/parties") { request, _ in try await registerParty(request) }
        router.get("/v1/parties/:partyID") { request, context in
            try await party(request, id: context.parameters.get("partyID") ?? "")
        }
    }

    /// `GET /v1/parties/{id}`: a party's public record, for any registered holder or party
    /// (a holder checks whom they are about to consent to). The contact is not disclosed.
    func party(_ request: Request, id: String) async throws -> Response {
        _ = try await authenticator.authenticate(request, body: [])
        guard let partyID = PrincipalID(id), partyID.kind == .party else {
            throw Problem(.badRequest, code: "invalid_field", detail: "not a party id (p_ followed by 22 base64url characters)")
        }
        guard let party = try await identities.party(partyID) else {
            throw Problem(.notFound, code: "not_found", detail: "no such party")
        }
        return try RequestBody.json(.ok, [
            "id": .string(party.id.rawValue), "name": .string(party.name), "public_key": .string(Base64.encodeURL(party.publicKey)),
            "status": .string(party.status.rawValue), "created_at": .string(ISO8601DateFormatter().string(from: party.registeredAt)),
        ])
    }

    func registerHolder(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: configuration.maximumBodySize)
        let json = try StrictJSONObject(body, allowed: ["public_key"])
        let key = try publicKey(json)
        _ = try await authenticator.authenticate(request, body: body, proofOfPossession: key)
        let holder = Holder(id: .random(.holder), publicKey: key, registeredAt: configuration.now())
        do {
            try await identities.insert(holder)
        } catch let error as MarketError {
            throw ErrorMapping.problem(for: error)
        }
        return try RequestBody.json(.created, ["id": .string(holder.id.rawValue)])
    }

    func registerParty(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: configuration.maximumBodySize)
        let json = try StrictJSONObject(body, allowed: ["public_key", "name", "contact"])
        let key = try publicKey(json)
        let party: Party
        do {
            party = try Party(id: .random(.party), name: try json.string("name"), contact: try json.string("contact"),
                              publicKey: key, status: .pending, registeredAt: configuration.now())
        } catch let error as MarketError {
            throw ErrorMapping.problem(for: error)
        }
        _ = try await authenticator.authenticate(request, body: body, proofOfPossession: key)
        do {
            try await identities.insert(party)
        } catch let error as MarketError {
            throw ErrorMapping.problem(for: error)
        }
        return try RequestBody.json(.created, ["id": .string(party.id.rawValue), "status": .string(party.status.rawValue)])
    }

    private func publicKey(_ json: StrictJSONObject) throws -> [UInt8] {
        let text = try json.string("public_key")
        guard let bytes = Base64.decodeURL(text) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "public_key must be base64url without padding")
        }
        do {
            return try validatedPublicKey(bytes)
        } catch let error as MarketError {
            throw ErrorMapping.problem(for: error)
        }
    }
}
