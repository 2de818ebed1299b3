import Crypto
import Foundation
import HTTPTypes
import SignetAPI
import SignetAuth
import SignetCore
import SignetLog
import SignetMarket
import SignetVault

/// The parsers that read bytes an unauthenticated or hostile client controls. Each target must
/// refuse bad input with an error and never trap; libFuzzer (or a replay of the corpus) calls
/// ``FuzzTarget/run(_:)`` with arbitrary bytes.
enum FuzzTarget: UInt8, CaseIterable {
    /// A tile path after `/log/tile/`, then the bounds check against a tree.
    case tilePath = 0
    /// `Signature-Input` and `Signature` field values (split at the first newline).
    case signatureInput = 1
    /// An enrollment body: the generated decoder with Signet's embedding payload.
    case embedding = 2
    /// A stored protected template.
    case template = 3
    /// A consent token presentation: the bytes as a whole presentation, and as disclosures and
    /// a key-binding JWT after a validly signed issuer JWT (so the fuzzer reaches past the
    /// signature check).
    case consentToken = 4

    /// Picks the target from the first byte and feeds it the rest.
    static func dispatch(_ data: [UInt8]) {
        guard let first = data.first else { return }
        (FuzzTarget(rawValue: first % UInt8(allCases.count)) ?? .tilePath).run(Array(data.dropFirst()))
    }

    /// Feeds `bytes` to this target's parser. Errors are the expected outcome; only a trap or
    /// a sanitizer report is a finding.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .tilePath:
            let text = String(decoding: bytes, as: UTF8.self)
            if let path = try? TilePath(parsing: text) {
                for size: UInt64 in [0, 1, 255, 256, 65_537, UInt64(Int64.max), .max] { _ = path.isWithin(treeSize: size) }
                _ = path.description
            }
        case .signatureInput:
            let text = String(decoding: bytes, as: UTF8.self)
            let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            var fields = HTTPFields()
            if let input = HTTPField.Name("Signature-Input"), let value = parts.first { fields[input] = String(value) }
            if let signature = HTTPField.Name("Signature"), parts.count > 1 { fields[signature] = String(parts[1]) }
            let request = HTTPRequest(method: .post, scheme: "https", authority: "signet.example", path: "/v1/templates", headerFields: fields)
            _ = try? HTTPMessageVerifier.checkStructure(of: request, carriesBody: true)
        case .embedding:
            _ = try? JSONDecoder().decode(Components.Schemas.EnrollmentRequest.self, from: Data(bytes))
            _ = try? JSONDecoder().decode(EmbeddingPayload.self, from: Data(bytes))
        case .template:
            _ = try? ProtectedTemplate(serializedBytes: bytes)
        case .consentToken:
            let text = String(decoding: bytes, as: UTF8.self)
            for candidate in [text, ConsentFuzzing.issuerJWT + "~" + text] {
                guard let presentation = ConsentPresentation(candidate),
                      let token = try? presentation.verifiedToken(issuerKey: ConsentFuzzing.key.publicKey, issuer: "fuzz/log") else { continue }
                try? presentation.verifyKeyBinding(of: token, audience: "fuzz/log", now: Date(timeIntervalSince1970: 1_790_000_000), freshness: 300)
            }
            _ = CompactJWS.verify(text, key: ConsentFuzzing.key.publicKey)
        }
    }
}

/// A fixed issuer key and a token signed by it, its `cnf` the same key (so a fuzzed key-binding
/// JWT could in principle verify).
enum ConsentFuzzing {
    static let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32))
    static let issuerJWT: String = {
        let claims = ConsentClaims(
            iss: "fuzz/log", sub: "g_AAAAAAAAAAAAAAAAAAAAAA", party_id: "p_AAAAAAAAAAAAAAAAAAAAAA", iat: 1_790_000_000, exp: 1_890_000_000,
            jti: Base64.encodeURL([UInt8](repeating: 1, count: 32)), scope: "verify", purpose: "dpv:IdentityVerification", max_uses: 1,
            retention_days: 0, ledger_index: 0, log_origin: "fuzz/log", protocol_id: nil,
            status: .init(status_list: .init(idx: 0, uri: "http://fuzz/v1/status-lists/grants")),
            cnf: .init(jwk: .init(ed25519: Array(key.publicKey.rawRepresentation))))
        let issued = (try? ConsentToken.issue(claims, disclosable: [:], keyID: "k", signingKey: key, random: SystemRandomBytes())) ?? "~"
        return String(issued.dropLast())
    }()
}
