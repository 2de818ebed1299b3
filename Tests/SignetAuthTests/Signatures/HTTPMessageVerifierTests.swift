import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import SignetAuth
import SignetCore

struct HTTPMessageVerifierTests {
    static let body = Array(#"{"offer": 1}"#.utf8)

    /// Runs `verify` and returns the error code, or `nil` when verification succeeded.
    static func code(
        _ request: HTTPRequest,
        body: [UInt8] = body,
        label: String = "sig1",
        now: Date = HTTPSignatureFixtures.now,
        verifier: HTTPMessageVerifier = HTTPSignatureFixtures.verifier()
    ) async -> HTTPSignatureErrorCode? {
        do {
            _ = try await verifier.verify(request, body: body, label: label, now: now)
            return nil
        } catch let error as HTTPSignatureError {
            return error.code
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    // MARK: RFC 9421 B.2.6

    @Test func verifiesRFC9421B26Signature() async throws {
        var request = HTTPSignatureFixtures.rfcRequest
        request.headerFields[UnverifiedRequestSignature.signatureInputField] = HTTPMessageSignerTests.rfcSignatureInput
        request.headerFields[UnverifiedRequestSignature.signatureField] = HTTPMessageSignerTests.rfcSignature
        // B.2.6 covers neither @target-uri nor content-digest and has no nonce, so relax policy.
        let relaxed = HTTPMessageVerifierConfiguration(
            requiredComponents: [], requiresContentDigestForBody: false, requiresNonce: false
        )
        let verified = try await HTTPSignatureFixtures.verifier(relaxed).verify(
            request, body: HTTPSignatureFixtures.rfcBody, label: "sig-b26", now: HTTPSignatureFixtures.now
        )
        #expect(verified.keyID == "test-key-ed25519")
        #expect(verified.created == HTTPSignatureFixtures.now)
        #expect(verified.coveredComponents == SignatureBaseTests.rfcB26Components)

        // The same message under the default policy lacks @target-uri.
        #expect(await Self.code(request, body: HTTPSignatureFixtures.rfcBody, label: "sig-b26") == .missingComponent)

        // And one flipped byte in a covered field breaks it.
        request.headerFields[.contentLength] = "19"
        #expect(
            await Self.code(request, body: HTTPSignatureFixtures.rfcBody, label: "sig-b26", verifier: HTTPSignatureFixtures.verifier(relaxed))
                == .badSignature
        )
    }

    // MARK: Round trips

    @Test func acceptsSignedPOSTWithContentDigest() async throws {
        let request = try HTTPSignatureFixtures.signedRequest()
        let verified = try await HTTPSignatureFixtures.verifier().verify(request, body: Self.body, now: HTTPSignatureFixtures.now)
        #expect(verified.keyID == HTTPSignatureFixtures.clientKeyID)
        #expect(verified.nonce == "n-0001")
        #expect(verified.label == "sig1")
        #expect(verified.coveredComponents == HTTPSignatureFixtures.fullCoverage)
    }

    @Test func acceptsSignedGETWithoutBody() async throws {
        let request = try HTTPSignatureFixtures.signedRequest(method: .get, body: [], covering: [.method, .targetURI])
        #expect(await Self.code(request, body: []) == nil)
    }

    @Test func tamperedBodyIsDigestMismatch() async throws {
        let request = try HTTPSignatureFixtures.signedRequest()
        #expect(await Self.code(request, body: Array(#"{"offer": 2}"#.utf8)) == .digestMismatch)
    }

    @Test func bodyWithoutCoveredDigestIsMissingComponent() async throws {
        let request = try HTTPSignatureFixtures.signedRequest(covering: [.method, .targetURI])
        #expect(await Self.code(request) == .missingComponent)
    }

    @Test func strippedContentDigestIsMissingComponent() async throws {
        var request = try HTTPSignatureFixtures.signedRequest()
        request.headerFields[ContentDigest.field] = nil
        #expect(await Self.code(request) == .missingComponent)
    }

    struct Tamper: Sendable, CustomTestStringConvertible {
        let name: String
        let apply: @Sendable (inout HTTPRequest) -> Void
        var testDescription: String { name }
    }

    static let tampers: [Tamper] = [
        Tamper(name: "method") { $0.method = .put },
        Tamper(name: "path") { $0.path = "/v1/grants?limit=10" },
        Tamper(name: "query") { $0.path = "/v1/offers?limit=1000" },
        Tamper(name: "authority") { $0.authority = "evil.example" },
        Tamper(name: "scheme") { $0.scheme = "http" },
        Tamper(name: "content-digest value") {
            $0.headerFields[ContentDigest.field] = ContentDigest.fieldValue(for: Array("other".utf8))
        },
        Tamper(name: "signature bytes") {
            $0.headerFields[UnverifiedRequestSignature.signatureField] = "sig1=:" + Data(repeating: 7, count: 64).base64EncodedString() + ":"
        },
        Tamper(name: "short signature") { $0.headerFields[UnverifiedRequestSignature.signatureField] = "sig1=:AAAA:" },
        Tamper(name: "nonce parameter") {
            let input = $0.headerFields[UnverifiedRequestSignature.signatureInputField]!
            $0.headerFields[UnverifiedRequestSignature.signatureInputField] = input.replacingOccurrences(of: "n-0001", with: "n-0002")
        },
    ]

    @Test(arguments: tampers)
    func tamperingIsBadSignature(_ tamper: Tamper) async throws {
        var request = try HTTPSignatureFixtures.signedRequest()
        #expect(await Self.code(request) == nil)
        tamper.apply(&request)
        #expect(await Self.code(request) == .badSignature)
    }

    // MARK: Time and replay

    @Test(arguments: [-301.0, 301.0, -86_400.0])
    func createdOutsideSkewIsClockSkew(offset: TimeInterval) async throws {
        let request = try HTTPSignatureFixtures.signedRequest(created: HTTPSignatureFixtures.now.addingTimeInterval(offset))
        #expect(await Self.code(request) == .clockSkew)
    }

    @Test(arguments: [-300.0, 0.0, 300.0])
    func createdWithinSkewIsAccepted(offset: TimeInterval) async throws {
        let request = try HTTPSignatureFixtures.signedRequest(created: HTTPSignatureFixtures.now.addingTimeInterval(offset))
        #expect(await Self.code(request) == nil)
    }

    @Test func passedExpiryIsExpired() async throws {
        let request = try HTTPSignatureFixtures.signedRequest(
            created: HTTPSignatureFixtures.now.addingTimeInterval(-60), expires: HTTPSignatureFixtures.now.addingTimeInterval(-1)
        )
        #expect(await Self.code(request) == .expired)
    }

    @Test func replayedNonceIsRejected() async throws {
        let verifier = HTTPSignatureFixtures.verifier()
        let request = try HTTPSignatureFixtures.signedRequest()
        #expect(await Self.code(request, verifier: verifier) == nil)
        #expect(await Self.code(request, verifier: verifier) == .replayedNonce)
    }

    @Test func forgedRequestDoesNotConsumeNonce() async throws {
        let verifier = HTTPSignatureFixtures.verifier()
        var forged = try HTTPSignatureFixtures.signedRequest()
        forged.method = .delete
        #expect(await Self.code(forged, verifier: verifier) == .badSignature)
        #expect(await Self.code(try HTTPSignatureFixtures.signedRequest(), verifier: verifier) == nil)
    }

    @Test func missingNonceIsMissingComponent() async throws {
        let request = try HTTPSignatureFixtures.signedRequest(nonce: nil)
        #expect(await Self.code(request) == .missingComponent)
    }

    // MARK: Keys and algorithm

    @Test func unknownKeyIDIsUnknownKey() async throws {
        let request = try HTTPSignatureFixtures.signedRequest(keyID: "client-2")
        #expect(await Self.code(request) == .unknownKey)
    }

    @Test func wrongKeyIsBadSignature() async throws {
        // Signed by client-1's key, but claims the RFC key's id.
        let request = try HTTPSignatureFixtures.signedRequest(keyID: HTTPSignatureFixtures.rfcKeyID)
        #expect(await Self.code(request) == .badSignature)
    }

    @Test func missingSignatureFields() async throws {
        let unsigned = HTTPRequest(method: .get, scheme: "https", authority: "api.signet.example", path: "/")
        #expect(await Self.code(unsigned, body: []) == .missingSignature)
        let signed = try HTTPSignatureFixtures.signedRequest()
        #expect(await Self.code(signed, label: "sig2") == .missingSignature)
    }
}
