import SignetService
import SignetAuth
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OpenAPIRuntime
import SignetAPI
import SignetCore
import SignetStore
@testable import SignetServer
import Testing

/// How ProblemMiddleware answers what the generated code, the handlers and the runtime throw.
struct ProblemMiddlewareTests {
    /// The middleware's answer when the inner operation throws `error` wrapped as the runtime wraps it.
    static func answer(to error: any Error) async throws -> (HTTPResponse, [String: Any]) {
        let request = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/v1/holders")
        let wrapped = OpenAPIRuntime.ServerError(
            operationID: "registerHolder", request: request, requestBody: nil, requestMetadata: .init(),
            causeDescription: "test", underlyingError: error)
        let (response, body) = try await ProblemMiddleware(logger: Logger(label: "test")).intercept(
            request, body: nil, metadata: .init(), operationID: "registerHolder") { _, _, _ in throw wrapped }
        let bytes = try await [UInt8](collecting: try #require(body), upTo: 4096)
        #expect(response.headerFields[.contentType] == "application/problem+json")
        return (response, try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]))
    }

    /// The error the generated decoder throws for `json` as a holder registration.
    static func decodingError(_ json: String) throws -> DecodingError {
        do {
            _ = try JSONDecoder().decode(Components.Schemas.HolderRegistration.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            return error
        }
        throw Problem(.internal, detail: "\(json) decoded")
    }

    @Test(arguments: [
        ("{\"public_key\":", "invalid_json", "not valid JSON"),
        ("[1,2]", "invalid_json", "JSON object"),
        ("{\"public_key\":\"k\",\"admin\":true}", "unknown_field", "\"admin\""),
        ("{}", "invalid_field", "\"public_key\" is required"),
        ("{\"public_key\":7}", "invalid_field", "\"public_key\" has the wrong type"),
    ])
    func decoderErrorsAre400WithTheirCode(json: String, code: String, detail: String) async throws {
        let (response, problem) = try await Self.answer(to: try Self.decodingError(json))
        #expect(response.status == .badRequest)
        #expect(problem["code"] as? String == code)
        #expect((problem["detail"] as? String)?.contains(detail) == true, "\(problem)")
    }

    @Test func workflowErrorsBecomeTheirProblems() async throws {
        let (limited, limitedProblem) = try await Self.answer(to: ServiceError(.rateLimited, "too many", retryAfter: 2.2))
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headerFields[.retryAfter] == "3")
        #expect(limitedProblem["code"] as? String == "rate_limited")
        let (missing, missingProblem) = try await Self.answer(to: ServiceError(.notFound, "no such template"))
        #expect(missing.status == .notFound)
        #expect(missingProblem["detail"] as? String == "no such template")
        // Operator-facing and server-fault codes are never described to the caller.
        let (fault, faultProblem) = try await Self.answer(to: ServiceError(.corruptRecord, "a stored permission names no holder"))
        #expect(fault.status == .internalServerError)
        #expect(faultProblem["code"] as? String == "internal")
        #expect((faultProblem["detail"] as? String)?.contains("permission") == false)
    }

    /// Every workflow code a client can cause has its problem code, by the same name.
    @Test(arguments: ServiceErrorCode.allCases)
    func everyClientFacingWorkflowCodeHasAProblem(_ code: ServiceErrorCode) {
        let problem = ErrorMapping.problem(for: ServiceError(code, "reason"))
        if [.configuration, .untrustedLog, .corruptRecord].contains(code) {
            #expect(problem == nil)
        } else {
            #expect(problem?.code.rawValue == code.rawValue)
        }
    }

    /// A wait computed by a rate limit becomes whole seconds without trapping, whatever it is.
    @Test(arguments: [(0.2, 1), (1.0, 1), (2.1, 3), (1e300, 86_400), (.infinity, 86_400), (.nan, 1), (-5, 1)] as [(Double, Int)])
    func retryAfterIsWholeSecondsWithinADay(_ seconds: Double, _ header: Int) {
        #expect(ErrorMapping.retryAfterSeconds(seconds) == header)
        #expect(ErrorMapping.problem(for: ServiceError(.rateLimited, "slow down", retryAfter: seconds))?.retryAfter == header)
    }

    /// openapi.yaml's `ErrorCode` lists exactly the codes the server can send.
    @Test func theDocumentedCodesAreTheProblemCodes() {
        #expect(Set(Components.Schemas.ErrorCode.allCases.map(\.rawValue)) == Set(ProblemCode.allCases.map(\.rawValue)))
    }

    /// Every code is spelled once and keeps the status its doc comment names.
    @Test func everyProblemCodeHasOneStatusClass() {
        for code in ProblemCode.allCases {
            let status = code.status.code
            #expect((400...599).contains(status), "\(code)")
            #expect(ProblemCode(rawValue: code.rawValue) == code)
        }
        #expect(ProblemCode.rateLimited.status == .tooManyRequests)
        #expect(ProblemCode.invalidTilePath.status == .badRequest)
    }

    @Test func problemsPassThroughWithRetryAfter() async throws {
        let (response, problem) = try await Self.answer(to: Problem(.rateLimited, detail: "later", retryAfter: 3))
        #expect(response.status == .tooManyRequests)
        #expect(response.headerFields[.retryAfter] == "3")
        #expect(problem["code"] as? String == "rate_limited")
    }

    @Test func unexpectedFaultsAre500AndDescribeNothing() async throws {
        struct StoreFault: Error, CustomStringConvertible { var description: String { "connection to db:5432 lost" } }
        let (response, problem) = try await Self.answer(to: StoreFault())
        #expect(response.status == .internalServerError)
        #expect(problem["code"] as? String == "internal")
        #expect((problem["detail"] as? String)?.contains("5432") == false)
    }
}

/// Media types at the edges of the generated API.
struct APIMediaTypeTests {
    @Test func jsonWithParametersIsAccepted() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let key = Curve25519.Signing.PrivateKey()
            let body = RegistrationRoutesTests.registration(key)
            var headers = try TestClientSigner(key: key, keyID: Base64.encodeURL(key.publicKey.rawRepresentation))
                .headers(method: .post, path: "/v1/holders", body: body)
            headers[.contentType] = "application/json; charset=utf-8"
            try await client.execute(uri: "/v1/holders", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .created)
            }
        }
    }

    @Test func anAcceptHeaderThatExcludesTheAnswerIs406() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            try await client.execute(uri: "/healthz", method: .get, headers: [.accept: "application/json"]) { response in
                #expect(response.status == .notAcceptable)
                #expect(RegistrationRoutesTests.problemCode(response) == "not_acceptable")
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [.accept: "text/*"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// A request no operation takes is answered by the router with a problem: an unknown path is
    /// 404; a known path with another method is 405 whose Allow names the methods it does take.
    @Test(arguments: [
        (HTTPRequest.Method.get, "/v1/nothing", HTTPResponse.Status.notFound, "not_found", nil as [String]?),
        // One segment too many under a known path is still unknown.
        (.get, "/v1/templates/t1/extra", .notFound, "not_found", nil),
        (.get, "/v1/verifications", .methodNotAllowed, "method_not_allowed", ["POST"]),
        (.delete, "/healthz", .methodNotAllowed, "method_not_allowed", ["GET"]),
        // A path with a parameter lists every method its operations take.
        (.patch, "/v1/templates/t_abc?x=1", .methodNotAllowed, "method_not_allowed", ["DELETE", "GET", "PUT"]),
    ])
    func aRequestNoOperationTakesIsAProblem(
        method: HTTPRequest.Method, uri: String, status: HTTPResponse.Status, code: String, allowed: [String]?
    ) async throws {
        try await RegistrationRoutesTests.withRouter { router in
            try await Application(router: router).test(.router) { client in
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == status)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(RegistrationRoutesTests.problemCode(response) == code)
                    // Sorted, as the order of the methods in Allow carries no meaning.
                    let allow = response.headers[.allow].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted() }
                    #expect(allow == allowed)
                }
            }
        }
    }
}

/// Registration is signed with the key in its body, so its signature is verified after decoding;
/// an unsigned or digest-less registration still gets the signature codes, not a decoding error.
struct RegistrationSignatureOrderTests {
    @Test func unsignedRegistrationIsMissingSignature() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            try await client.execute(uri: "/v1/holders", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
                #expect(RegistrationRoutesTests.problemCode(response) == "missing_signature")
            }
        }
    }

    @Test func registrationWithoutContentDigestIsDigestMismatch() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let key = Curve25519.Signing.PrivateKey()
            let body = RegistrationRoutesTests.registration(key, extra: ["name": "Shop", "contact": "ops@shop.example"])
            var headers = try TestClientSigner(key: key, keyID: Base64.encodeURL(key.publicKey.rawRepresentation))
                .headers(method: .post, path: "/v1/parties", body: body)
            headers[ContentDigest.field] = nil
            try await client.execute(uri: "/v1/parties", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                #expect(response.status == .badRequest)
                #expect(RegistrationRoutesTests.problemCode(response) == "digest_mismatch")
            }
            #expect(try await service.parties(status: nil).isEmpty)
        }
    }
}
