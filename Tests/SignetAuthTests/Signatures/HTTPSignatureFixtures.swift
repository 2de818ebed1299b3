import Crypto
import Foundation
import HTTPTypes

@testable import SignetAuth

/// Keys, requests and helpers shared by the HTTP signature tests.
enum HTTPSignatureFixtures {
    // SPEC: https://www.rfc-editor.org/rfc/rfc9421#appendix-B.1.4 — `test-key-ed25519`, as PKCS#8
    // and SPKI PEM bodies. The raw key is the last 32 bytes of each DER structure.
    static let rfcPrivateKeyPKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"
    static let rfcPublicKeySPKI = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="
    static let rfcKeyID = "test-key-ed25519"

    static var rfcPrivateKey: Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(base64Encoded: rfcPrivateKeyPKCS8)!.suffix(32))
    }
    static var rfcPublicKey: Curve25519.Signing.PublicKey {
        try! Curve25519.Signing.PublicKey(rawRepresentation: Data(base64Encoded: rfcPublicKeySPKI)!.suffix(32))
    }

    // SPEC: https://www.rfc-editor.org/rfc/rfc9421#appendix-B.2 — the example request:
    //   POST /foo?param=Value&Pet=dog HTTP/1.1
    //   Host: example.com
    //   Date: Tue, 20 Apr 2021 02:07:55 GMT
    //   Content-Type: application/json
    //   Content-Digest: sha-512=:WZDPaVn/…vJwew==:
    //   Content-Length: 18
    //
    //   {"hello": "world"}
    static let rfcBody = Array(#"{"hello": "world"}"#.utf8)
    static var rfcRequest: HTTPRequest {
        var fields = HTTPFields()
        fields[HTTPField.Name("Date")!] = "Tue, 20 Apr 2021 02:07:55 GMT"
        fields[.contentType] = "application/json"
        fields[ContentDigest.field] =
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
        fields[.contentLength] = "18"
        return HTTPRequest(
            method: .post, scheme: "https", authority: "example.com", path: "/foo?param=Value&Pet=dog",
            headerFields: fields
        )
    }

    /// `created` in RFC 9421 B.2.6, used as "now" throughout.
    static let rfcCreated: Int64 = 1_618_884_473
    static let now = Date(timeIntervalSince1970: TimeInterval(rfcCreated))

    /// A second fixed key, from a fixed seed, for round trips.
    static let clientKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))
    static let clientKeyID = "client-1"

    static let fullCoverage: [SignatureComponent] = [.method, .targetURI, .contentDigest]

    /// A POST with a JSON body, its Content-Digest, and a signature from ``clientKey``.
    static func signedRequest(
        method: HTTPRequest.Method = .post,
        path: String = "/v1/offers?limit=10",
        body: [UInt8] = Array(#"{"offer": 1}"#.utf8),
        covering components: [SignatureComponent] = fullCoverage,
        created: Date = now,
        expires: Date? = nil,
        nonce: String? = "n-0001",
        keyID: String = clientKeyID
    ) throws -> HTTPRequest {
        var request = HTTPRequest(method: method, scheme: "https", authority: "api.signet.example", path: path)
        if !body.isEmpty {
            request.headerFields[ContentDigest.field] = ContentDigest.fieldValue(for: body)
        }
        let signer = HTTPMessageSigner(privateKey: clientKey, keyID: keyID)
        let fields = try signer.sign(
            request, coveredComponents: components, created: created, expires: expires, nonce: nonce
        )
        request.headerFields[UnverifiedRequestSignature.signatureInputField] = fields.signatureInput
        request.headerFields[UnverifiedRequestSignature.signatureField] = fields.signature
        return request
    }

    static func verifier(
        _ configuration: HTTPMessageVerifierConfiguration = .init(),
        nonces: NonceStore = NonceStore()
    ) -> HTTPMessageVerifier {
        HTTPMessageVerifier(
            configuration: configuration,
            keyLookup: { keyID in
                switch keyID {
                case clientKeyID: clientKey.publicKey
                case rfcKeyID: rfcPublicKey
                default: nil
                }
            },
            replayCheck: { keyID, nonce in await nonces.insert(keyID: keyID, nonce: nonce) }
        )
    }
}

/// An in-memory replay check.
actor NonceStore {
    private var seen: Set<String> = []

    func insert(keyID: String, nonce: String) -> Bool {
        seen.insert("\(keyID)\u{0}\(nonce)").inserted
    }
}
