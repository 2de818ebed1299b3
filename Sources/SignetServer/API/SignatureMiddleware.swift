import SignetAuth
import Foundation
import HTTPTypes
import OpenAPIRuntime
import SignetAPI

/// Authenticates every `/v1` operation (RFC 9421) before its body is decoded.
///
/// Order of checks, each with its own problem code: media type (415), body size (413), then
/// the signature (400/401). Registration requests are only read here: their `keyid` is the key in
/// the body, which the handler checks once the body is decoded (proof of possession).
/// Operations not listed as public are authenticated, so a new operation is closed by default.
struct SignatureMiddleware: ServerMiddleware {
    let authenticator: RequestAuthenticator
    let maximumBodySize: Int

    /// Operations without authentication (health, metadata); the spec marks them `security: []`.
    static let publicOperations: Set<String> = [
        Operations.GetHealth.id, Operations.GetReadiness.id, Operations.GetMetrics.id,
        Operations.GetOpenAPIDocument.id, Operations.GetResultKeys.id, Operations.GetTrustProtocol.id, Operations.GetGrantStatusList.id,
        Operations.GetPendingProtocols.id,
    ]
    /// Operations signed with the key being registered rather than a registered one.
    static let registrationOperations: Set<String> = [Operations.RegisterHolder.id, Operations.RegisterParty.id]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if Self.publicOperations.contains(operationID) {
            return try await next(request, body, metadata)
        }
        var bytes: [UInt8] = []
        let carriesBody = request.method == .post || request.method == .put
        if carriesBody {
            guard request.headerFields[.contentType].map(Self.isJSON) == true else {
                throw Problem(.unsupportedMediaType, detail: "send the body as application/json")
            }
            do {
                bytes = try await [UInt8](collecting: body ?? HTTPBody(), upTo: maximumBodySize)
            } catch {
                throw Problem(.bodyTooLarge, detail: "the body is larger than \(maximumBodySize) bytes")
            }
        }
        let caller: VerifiedRequestSignature?
        if Self.registrationOperations.contains(operationID) {
            try Self.requireSignatureFields(request, carriesBody: carriesBody)
            caller = nil
        } else {
            caller = try await authenticator.authenticate(request, body: bytes)
        }
        let signed = SignedRequest(head: request, body: bytes, caller: caller)
        return try await SignedRequest.$current.withValue(signed) {
            try await next(request, carriesBody ? HTTPBody(bytes) : body, metadata)
        }
    }

    /// The structural part of the signature check for a registration, whose key is only known once
    /// the body is decoded: an unsigned or malformed request gets the same answer as on any other
    /// operation, not a decoding error. The handler then verifies the signature itself.
    static func requireSignatureFields(_ request: HTTPRequest, carriesBody: Bool) throws {
        do {
            try HTTPMessageVerifier.checkStructure(of: request, carriesBody: carriesBody)
        } catch let error as HTTPSignatureError {
            throw ErrorMapping.problem(for: error)
        }
    }

    /// `application/json`, with or without parameters such as `charset`.
    static func isJSON(_ contentType: String) -> Bool {
        contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}
