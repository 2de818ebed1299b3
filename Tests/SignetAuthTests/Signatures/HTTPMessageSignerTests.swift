import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import SignetAuth
import SignetCore

struct HTTPMessageSignerTests {
    // SPEC: https://www.rfc-editor.org/rfc/rfc9421#appendix-B.2.6
    static let rfcSignatureInput =
        #"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#
    static let rfcSignature =
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"

    @Test func rfcPrivateKeyMatchesPublishedPublicKey() {
        #expect(HTTPSignatureFixtures.rfcPrivateKey.publicKey.rawRepresentation == HTTPSignatureFixtures.rfcPublicKey.rawRepresentation)
    }

    @Test func reproducesRFC9421B26() throws {
        let signer = HTTPMessageSigner(privateKey: HTTPSignatureFixtures.rfcPrivateKey, keyID: HTTPSignatureFixtures.rfcKeyID)
        let fields = try signer.sign(
            HTTPSignatureFixtures.rfcRequest,
            label: "sig-b26",
            coveredComponents: SignatureBaseTests.rfcB26Components,
            created: HTTPSignatureFixtures.now,
            nonce: nil,
            includesAlgorithm: false
        )
        #expect(fields.signatureInput == Self.rfcSignatureInput)
        #if canImport(Darwin)
        // Apple's CryptoKit randomises Ed25519 signatures, so only BoringSSL reproduces the bytes.
        #expect(fields.signature.hasPrefix("sig-b26=:"))
        #else
        #expect(fields.signature == Self.rfcSignature)
        #endif
    }

    @Test func writesAlgorithmAndNonceByDefault() throws {
        let signer = HTTPMessageSigner(privateKey: HTTPSignatureFixtures.clientKey, keyID: "client-1")
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/")
        let fields = try signer.sign(request, coveredComponents: [.method, .targetURI], created: HTTPSignatureFixtures.now, nonce: "abc")
        #expect(
            fields.signatureInput
                == #"sig1=("@method" "@target-uri");created=1618884473;keyid="client-1";nonce="abc";alg="ed25519""#
        )
    }

    @Test func rejectsInvalidLabel() {
        let signer = HTTPMessageSigner(privateKey: HTTPSignatureFixtures.clientKey, keyID: "client-1")
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/")
        let error = #expect(throws: HTTPSignatureError.self) {
            try signer.sign(request, label: "Sig 1", coveredComponents: [.method], created: HTTPSignatureFixtures.now, nonce: "n")
        }
        #expect(error?.code == .malformedSignature)
    }

    @Test func descriptionHidesPrivateKey() {
        let signer = HTTPMessageSigner(privateKey: HTTPSignatureFixtures.clientKey, keyID: "client-1")
        #expect(String(describing: signer) == "HTTPMessageSigner(keyID: client-1)")
    }
}
