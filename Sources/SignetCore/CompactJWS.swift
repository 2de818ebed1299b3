public import Crypto
public import Foundation

/// Compact JWS (RFC 7515 §7.1) signed with EdDSA over Ed25519 (RFC 8037): the one JOSE shape
/// Signet issues and checks itself (consent tokens, key-binding JWTs, status lists).
///
/// Why not JWTKit here: its key collection is an actor keyed by `kid`, while a key-binding JWT
/// is checked under the key its own token names (`cnf.jwk`), once per request on the
/// verification path. The format is a header, a payload and swift-crypto's Ed25519 signature
/// over their base64url text; joserfc, jwcrypto and sd-jwt check what this writes in CI.
public enum CompactJWS {
    /// A compact JWS whose signature checked out, with its decoded parts.
    public struct Verified: Sendable {
        /// The protected header's JSON bytes.
        public let header: [UInt8]
        /// The header's `typ`, if it has one.
        public let type: String?
        /// The payload bytes.
        public let payload: [UInt8]
    }

    /// The header fields Signet reads; decoded into a struct, not a generic JSON value, because
    /// this runs on every verification.
    private struct Header: Decodable {
        let alg: String?
        let typ: String?
        /// Extensions the signer says a verifier must understand (RFC 7515 §4.1.11); Signet
        /// understands none, so a JWS naming any is refused.
        let crit: [String]?
    }

    /// `BASE64URL(header) . BASE64URL(payload) . BASE64URL(Ed25519 signature)`.
    /// - Parameter header: the JOSE header's fields besides `alg`, which is always `EdDSA`.
    public static func sign(header: [String: JSONValue], payload: [UInt8], with key: Curve25519.Signing.PrivateKey) throws -> String {
        var fields = header
        fields["alg"] = .string("EdDSA")
        let signingInput = Base64.encodeURL(try CanonicalJSON.encode(.object(fields))) + "." + Base64.encodeURL(payload)
        let signature = try key.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64.encodeURL(signature)
    }

    /// The header and payload of `jws` if it is a well-formed compact JWS with `alg` `EdDSA`,
    /// no `crit` extensions, and a valid signature under `key`; `nil` otherwise (the caller says
    /// why it refuses).
    public static func verify(_ jws: some StringProtocol, key: Curve25519.Signing.PublicKey) -> Verified? {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64.decodeURL(parts[0]), let payload = Base64.decodeURL(parts[1]),
              let signature = Base64.decodeURL(parts[2]), signature.count == 64,
              let fields = try? JSONDecoder().decode(Header.self, from: Data(header)), fields.alg == "EdDSA", fields.crit == nil else { return nil }
        let signingInput = jws.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)
        guard key.isValidSignature(signature, for: Array(signingInput)) else { return nil }
        return Verified(header: header, type: fields.typ, payload: payload)
    }

    /// The payload of a compact JWS without checking its signature: only for reading which key
    /// to check it under, never for trusting what it says.
    public static func unverifiedPayload(_ jws: some StringProtocol) -> [UInt8]? {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return Base64.decodeURL(parts[1])
    }
}
