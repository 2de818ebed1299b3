import SignetClient
import SignetAPI
import SignetService
import SignetAuth
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SignetCore
import SignetMarket
import SignetServer
import SignetStore
import SignetVault
import Prometheus
import SignetTesting
import Testing

/// Signs API requests exactly as a standard RFC 9421 client would.
struct TestClientSigner {
    let key: Curve25519.Signing.PrivateKey
    let keyID: String
    var nonce = UUID().uuidString
    var created = Date()

    /// Headers for a signed request to `path` with `body`.
    func headers(method: HTTPRequest.Method, path: String, body: [UInt8]?) throws -> HTTPFields {
        var fields = HTTPFields()
        if body != nil { fields[.contentType] = "application/json" }
        let request = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:8080", path: path, headerFields: fields)
        return try HTTPMessageSigner(privateKey: key, keyID: keyID).signedFields(for: request, body: body, created: created, nonce: nonce)
    }
}

struct RegistrationRoutesTests {
    /// The workflows on a throw-away SQLite store, closed (and removed) afterwards.
    /// `templates` may wrap the template store (to simulate older records).
    static func withService(configuration: ServiceConfiguration = ServiceConfiguration(), vault: VaultConfiguration? = nil,
                            templates wrap: @Sendable (any TemplateStorage) -> any TemplateStorage = { $0 },
                            _ body: @Sendable (SignetService) async throws -> Void) async throws {
        try await withTemporaryDirectory("signet-api") { directory in
            let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: directory, origin: "api.test/log"))
            let stores = opened.stores
            let wrapped = Stores(log: stores.log, identities: stores.identities, nonces: stores.nonces, activity: stores.activity,
                                 templates: wrap(stores.templates), grants: stores.grants, rateLimits: stores.rateLimits, offers: stores.offers, protocols: stores.protocols, attributes: stores.attributes, watch: stores.watch) {}
            var failure: (any Error)?
            do {
                let service = SignetService(ledger: opened.ledger, stores: wrapped, results: await ResultSigner(privateKey: .init()),
                                            vault: try vault ?? VaultConfiguration(dimension: 32, alpha: 4, kdf: .insecureTesting),
                                            configuration: configuration)
                try await body(service)
            } catch {
                failure = error
            }
            await opened.close()
            if let failure { throw failure }
        }
    }

    /// The API on a throw-away store, through Hummingbird's test client; the service is the
    /// operator's handle (approving parties, reading stores).
    static func withAPI(configuration: ServiceConfiguration = ServiceConfiguration(), vault: VaultConfiguration? = nil,
                        templates wrap: @Sendable (any TemplateStorage) -> any TemplateStorage = { $0 },
                        _ body: @Sendable (any TestClientProtocol, SignetService) async throws -> Void) async throws {
        try await withService(configuration: configuration, vault: vault, templates: wrap) { service in
            try await Application(router: SignetApplication.router(ledger: service.ledger, service: service)).test(.router) { client in
                try await body(client, service)
            }
        }
    }

    /// The full router (API and `/metrics`) on a throw-away store.
    static func withRouter(_ body: @Sendable (Router<SignetRequestContext>) async throws -> Void) async throws {
        try await withService { service in
            try await body(SignetApplication.router(ledger: service.ledger, service: service, metrics: PrometheusCollectorRegistry()))
        }
    }

    static func registration(_ key: Curve25519.Signing.PrivateKey, extra: [String: String] = [:]) -> [UInt8] {
        var object = extra
        object["public_key"] = Base64.encodeURL(key.publicKey.rawRepresentation)
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func problemCode(_ response: TestResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["code"] as? String
    }

    @Test func holderRegistersWithProofOfPossession() async throws {
        try await Self.withAPI { client, service in
            let key = Curve25519.Signing.PrivateKey()
            let body = Self.registration(key)
            let signer = TestClientSigner(key: key, keyID: Base64.encodeURL(key.publicKey.rawRepresentation))
            let headers = try signer.headers(method: .post, path: "/v1/holders", body: body)
            let id = try await client.execute(uri: "/v1/holders", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response -> String in
                #expect(response.status == .created)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String]
                return try #require(json?["id"])
            }
            let stored = try await service.stores.identities.holder(try #require(HolderID(id)))
            #expect(stored?.publicKey == Array(key.publicKey.rawRepresentation))
            // The same signed request again is a replay.
            try await client.execute(uri: "/v1/holders", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.problemCode(response) == "replayed_nonce")
            }
            // A fresh request for the same key is a conflict.
            let again = try TestClientSigner(key: key, keyID: signer.keyID).headers(method: .post, path: "/v1/holders", body: body)
            try await client.execute(uri: "/v1/holders", method: .post, headers: again, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .conflict)
            }
        }
    }

    @Test func registeringSomeoneElsesKeyIsRefused() async throws {
        try await Self.withAPI { client, _ in
            let victim = Curve25519.Signing.PrivateKey()
            let attacker = Curve25519.Signing.PrivateKey()
            let body = Self.registration(victim)
            for keyID in [Base64.encodeURL(victim.publicKey.rawRepresentation), Base64.encodeURL(attacker.publicKey.rawRepresentation)] {
                let headers = try TestClientSigner(key: attacker, keyID: keyID).headers(method: .post, path: "/v1/holders", body: body)
                try await client.execute(uri: "/v1/holders", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(["bad_signature", "unknown_key"].contains(Self.problemCode(response)))
                }
            }
        }
    }

    @Test func partyRegistersPending() async throws {
        try await Self.withAPI { client, service in
            let key = Curve25519.Signing.PrivateKey()
            let body = Self.registration(key, extra: ["name": "Corner Shop", "contact": "ops@shop.example"])
            let headers = try TestClientSigner(key: key, keyID: Base64.encodeURL(key.publicKey.rawRepresentation)).headers(method: .post, path: "/v1/parties", body: body)
            try await client.execute(uri: "/v1/parties", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .created)
            }
            #expect(try await service.parties(status: .pending).count == 1)
        }
    }

    enum BadRequest: String, CaseIterable, Sendable {
        case malformedJSON, unknownField, notAKey, noSignature, skewedClock, tamperedBody, wrongMediaType, oversizedBody, missingName
    }

    @Test(arguments: BadRequest.allCases)
    func badRequestsGetAProblemAndWriteNothing(_ bad: BadRequest) async throws {
        try await Self.withAPI { client, service in
            let key = Curve25519.Signing.PrivateKey()
            let keyID = Base64.encodeURL(key.publicKey.rawRepresentation)
            var path = "/v1/holders"
            var body = Self.registration(key)
            var signer = TestClientSigner(key: key, keyID: keyID)
            var expected: (HTTPResponse.Status, String)
            switch bad {
            case .malformedJSON: body = Array("{\"public_key\":".utf8); expected = (.badRequest, "invalid_json")
            case .unknownField: body = Self.registration(key, extra: ["admin": "yes"]); expected = (.badRequest, "unknown_field")
            case .notAKey: body = Array("{\"public_key\":\"AAAA\"}".utf8); expected = (.badRequest, "invalid_field")
            case .noSignature: expected = (.unauthorized, "missing_signature")
            case .skewedClock: signer.created = Date().addingTimeInterval(-3600); expected = (.unauthorized, "clock_skew")
            case .tamperedBody: expected = (.badRequest, "digest_mismatch")
            case .wrongMediaType: expected = (.unsupportedMediaType, "unsupported_media_type")
            case .oversizedBody: body = Self.registration(key, extra: ["pad": String(repeating: "x", count: 70_000)]); expected = (.contentTooLarge, "body_too_large")
            case .missingName: path = "/v1/parties"; expected = (.badRequest, "invalid_field")
            }
            var headers = try signer.headers(method: .post, path: path, body: body)
            if bad == .noSignature {
                headers[HTTPField.Name("Signature")!] = nil
                headers[HTTPField.Name("Signature-Input")!] = nil
            }
            if bad == .wrongMediaType { headers[.contentType] = "text/plain" }
            if bad == .tamperedBody { body += Array(" ".utf8) }  // same JSON meaning, different bytes
            try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == expected.0)
                #expect(Self.problemCode(response) == expected.1)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await service.parties(status: nil).isEmpty)
        }
    }

    @Test func aPartysPublicRecordIsReadableByRegisteredPrincipalsWithoutItsContact() async throws {
        try await Self.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let shop = try await TestParty.register(client, approveWith: service)
            let record = try await alice.api.getParty(path: .init(partyId: shop.id)).ok.body.json
            #expect(record.id == shop.id)
            #expect(record.name == "Corner Shop")
            #expect(record.status == .approved)
            #expect(record.publicKey == Base64.encodeURL(shop.key.publicKey.rawRepresentation))
            // The contact stays with the operator: the wire record has no such field.
            let wire = try await client.execute(uri: "/v1/parties/\(shop.id)", method: .get,
                                                headers: try TestClientSigner(key: alice.key, keyID: alice.id).headers(method: .get, path: "/v1/parties/\(shop.id)", body: nil)) {
                String(buffer: $0.body)
            }
            #expect(!wire.contains("contact") && !wire.contains("ops@shop.example"))
            #expect(try await refusal(try await alice.api.getParty(path: .init(partyId: "p_AAAAAAAAAAAAAAAAAAAAAA")).ok)?.status == 404)
            let (malformed, problem) = try await sendRaw(client, key: alice.key, keyID: alice.id, .get, "/v1/parties/\(alice.id)")
            #expect(malformed == .badRequest)
            #expect(problem == "invalid_field")
            // Unsigned: 401.
            #expect(try await client.execute(uri: "/v1/parties/\(shop.id)", method: .get) { $0.status } == .unauthorized)
        }
    }
}
