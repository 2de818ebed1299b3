import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import OpenAPIRuntime
import SignetAPI
import SignetClient
import SignetCore
import SignetMarket
import SignetService
import SignetVault
import Testing

/// The generated client's transport over Hummingbird's test client: requests go through the
/// router in process, exactly as bytes, without a socket.
struct RouterTransport: ClientTransport {
    let client: any TestClientProtocol

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: [UInt8]?
        if let body { bytes = try await [UInt8](collecting: body, upTo: 16 << 20) }
        return try await client.execute(uri: request.path ?? "/", method: request.method, headers: request.headerFields,
                                        body: bytes.map { ByteBuffer(bytes: $0) }) { response in
            (HTTPResponse(status: response.status, headerFields: response.headers), HTTPBody(Array(response.body.readableBytesView)))
        }
    }
}

/// The URL every test request addresses (the default `APIConfiguration` pins this authority).
let testServer = URL(string: "http://127.0.0.1:8080")!

/// The header argument of generated calls with a body; the signing middleware writes the digest.
let digest = RequestSigningMiddleware.digestPlaceholder

/// The problem a call was refused with, or `nil` when it succeeded; any other failure (a
/// transport or decoding error) is rethrown, so it can never pass for either.
func refusal<T>(_ call: @autoclosure () async throws -> T) async throws -> ServerProblem? {
    do {
        _ = try await call()
        return nil
    } catch {
        guard let problem = error.clientCause as? ServerProblem else { throw error }
        return problem
    }
}

/// `"<status> <code>"` of the problem a call was refused with, or `"accepted"`: one line to expect.
func refused<T>(_ call: @autoclosure () async throws -> T) async throws -> String {
    guard let problem = try await refusal(try await call()) else { return "accepted" }
    return "\(problem.status) \(problem.code)"
}

/// A registered holder in a test: its key, id and a client signing as it.
struct TestHolder: Sendable {
    let key: Curve25519.Signing.PrivateKey
    let id: String
    let api: Client

    static func register(_ client: any TestClientProtocol) async throws -> TestHolder {
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = Base64.encodeURL(key.publicKey.rawRepresentation)
        let id = try await Client.signed(server: testServer, key: key, keyID: publicKey, transport: RouterTransport(client: client))
            .registerHolder(headers: .init(contentDigest: digest), body: .json(.init(publicKey: publicKey))).created.body.json.id
        return TestHolder(key: key, id: id, api: Client.signed(server: testServer, key: key, keyID: id, transport: RouterTransport(client: client)))
    }

    /// The same holder talking to another server instance.
    func on(_ client: any TestClientProtocol) -> TestHolder {
        TestHolder(key: key, id: id, api: Client.signed(server: testServer, key: key, keyID: id, transport: RouterTransport(client: client)))
    }

    /// Enrolls one sample; returns the template id.
    func enroll(_ embedding: [Float]) async throws -> String {
        try await api.enrollTemplate(headers: .init(contentDigest: digest), body: .json(.init(payload(embedding)))).created.body.json.id
    }

    /// Enrolls several samples of one person, averaged into one template; returns the template id.
    func enroll(samples: [[Float]]) async throws -> String {
        try await api.enrollTemplate(headers: .init(contentDigest: digest), body: .json(.init(samples: samples.map(payload))))
            .created.body.json.id
    }

    /// Renews a template from a fresh sample; returns the ledger index of the `renew` event.
    @discardableResult
    func renew(_ template: String, _ embedding: [Float]) async throws -> Int64 {
        try await api.renewTemplate(path: .init(templateId: template), headers: .init(contentDigest: digest), body: .json(.init(payload(embedding))))
            .ok.body.json.ledgerIndex
    }

    /// Deletes a template; returns the ledger index of the `delete` event.
    @discardableResult
    func delete(_ template: String) async throws -> Int64 {
        try await api.deleteTemplate(path: .init(templateId: template)).ok.body.json.ledgerIndex
    }

    /// A one-time permission for `party` on `template`; returns the consent token (all the party is given).
    func permit(party: String, template: String) async throws -> String {
        try #require(try await permission(party: party, template: template).token)
    }

    /// A one-time permission for `party` on `template`, as the holder sees it.
    func permission(party: String, template: String) async throws -> Components.Schemas.Grant {
        try await api.createPermission(headers: .init(contentDigest: digest), body: .json(.init(templateId: template, partyId: party)))
            .created.body.json
    }

    /// The holder's own events with their proofs.
    func activity() async throws -> Components.Schemas.ActivityPage {
        try await api.listHolderActivity().ok.body.json
    }

    /// What the holder's device does: read whom it answers, download the template, unlock its
    /// key with a fresh sample, sign.
    func sign(template: String, sample: [Float], challengeID: String, nonce: String, party: String, handle: String) async throws -> [UInt8] {
        let (message, _) = try await api.challengeMessage(id: challengeID, nonce: nonce, party: party, handle: handle)
        let document = try await api.getTemplate(path: .init(templateId: template)).ok.body.json
        let protected = try ProtectedTemplate(serializedBytes: try #require(Base64.decodeURL(document.template)))
        let key = try IronMask.device(for: protected).unlockSigningKey(probe: sample, template: protected)
        return try key.sign(challenge: message)
    }
}

/// A registered party in a test.
struct TestParty: Sendable {
    let key: Curve25519.Signing.PrivateKey
    let id: String
    let api: Client

    /// Registers a party, approved through the operator's workflow when `service` is given.
    static func register(_ client: any TestClientProtocol, approveWith service: SignetService? = nil) async throws -> TestParty {
        let key = Curve25519.Signing.PrivateKey()
        let publicKey = Base64.encodeURL(key.publicKey.rawRepresentation)
        let id = try await Client.signed(server: testServer, key: key, keyID: publicKey, transport: RouterTransport(client: client))
            .registerParty(headers: .init(contentDigest: digest), body: .json(.init(publicKey: publicKey, name: "Corner Shop", contact: "ops@shop.example")))
            .created.body.json.id
        if let service { _ = try await service.approve(party: id) }
        return TestParty(key: key, id: id, api: Client.signed(server: testServer, key: key, keyID: id, transport: RouterTransport(client: client)))
    }

    /// The same party talking to another server instance.
    func on(_ client: any TestClientProtocol) -> TestParty {
        TestParty(key: key, id: id, api: Client.signed(server: testServer, key: key, keyID: id, transport: RouterTransport(client: client)))
    }

    /// The consent token as this party presents it: with a fresh key-binding JWT signed by its
    /// key, dated `time`. Text that is no consent token is sent as it is (hostile-input tests).
    func present(_ token: String, at time: Date = Date()) throws -> String {
        try ConsentPresentation.present(token, at: time, with: key) ?? token
    }

    /// A probe-mode verification under the grant the token names; returns the signed result.
    func verify(token: String, probe: [Float]) async throws -> String {
        try await api.createVerification(headers: .init(contentDigest: digest), body: .json(.probe(.init(
            mode: .probe, consentToken: try present(token), probe: payload(probe))))).ok.body.json.result
    }

    /// Starts a device-mode verification.
    func challenge(token: String) async throws -> Components.Schemas.Challenge {
        try await api.createChallenge(headers: .init(contentDigest: digest), body: .json(.init(consentToken: try present(token))))
            .created.body.json
    }

    /// Answers a challenge with the device's signature; returns the signed result.
    func answer(token: String, challenge: String, signature: [UInt8]) async throws -> String {
        try await api.createVerification(headers: .init(contentDigest: digest), body: .json(.device(.init(
            mode: .device, consentToken: try present(token), challengeId: challenge, signature: Base64.encodeURL(signature)))))
            .ok.body.json.result
    }
}

/// An embedding as the API takes it.
func payload(_ values: [Float]) -> EmbeddingPayload {
    EmbeddingPayload(dimension: Int32(values.count), values: values.map(Double.init))
}

/// A holder who enrolled a random face, and a party the operator approved.
func enrolledScene(_ client: any TestClientProtocol, _ service: SignetService) async throws
    -> (alice: TestHolder, face: [Float], template: String, shop: TestParty) {
    let alice = try await TestHolder.register(client)
    let face = randomEmbedding()
    let template = try await alice.enroll(face)
    return (alice, face, template, try await TestParty.register(client, approveWith: service))
}

/// The ``enrolledScene(_:_:)`` with one permission for the party: where most verification tests start.
func permittedScene(_ client: any TestClientProtocol, _ service: SignetService) async throws
    -> (alice: TestHolder, face: [Float], template: String, shop: TestParty, token: String) {
    let (alice, face, template, shop) = try await enrolledScene(client, service)
    return (alice, face, template, shop, try await alice.permit(party: shop.id, template: template))
}

/// The claims of a verification result, checked with the server's published key set as a party would.
func resultClaims(_ party: TestParty, _ result: String) async throws -> VerificationClaims {
    try await JWTKeyCollection().add(jwksJSON: party.api.resultKeysJSON()).verify(result, as: VerificationClaims.self)
}

func randomEmbedding(_ n: Int = 32) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1) } }

/// A hand-built request signed as `keyID`, for bodies the generated client cannot send (the
/// hostile-input tests); returns the status and the problem code, if any.
func sendRaw(_ client: any TestClientProtocol, key: Curve25519.Signing.PrivateKey, keyID: String, _ method: HTTPRequest.Method, _ path: String,
             json: [UInt8]? = nil) async throws -> (HTTPResponse.Status, String?) {
    let headers = try TestClientSigner(key: key, keyID: keyID).headers(method: method, path: path, body: json)
    return try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(bytes: $0) }) { response in
        (response.status, (try? JSONDecoder().decode(ProblemBody.self, from: Data(response.body.readableBytesView)))?.code)
    }
}

/// The code of a problem response.
private struct ProblemBody: Decodable {
    var code: String
}

/// A hand-written embedding body (for the bad-input tables).
func embeddingJSON(_ values: [Float], dimension: Int? = nil) -> [UInt8] {
    Array("{\"dimension\":\(dimension ?? values.count),\"values\":[\(values.map { String($0) }.joined(separator: ","))]}".utf8)
}
