public import Crypto
public import Foundation
public import JWTKit
import SignetCore

/// The claims of a signed verification result (compact JWS, EdDSA), as `VerificationResultClaims`
/// in openapi.yaml.
///
/// `ledger_index` is the index of the `use` event appended before the result was released: a
/// result whose index does not hold a matching event is evidence that the operator misbehaved.
public struct VerificationClaims: JWTPayload, Equatable {
    /// Whether the probe (or device answer) matched.
    public var match: Bool
    /// Index of the logged `use` event.
    public var ledger_index: Int
    /// The ledger's checkpoint origin.
    public var log_origin: String
    /// The subject: the permission's handle (``Grant/handle``), a pairwise identifier that
    /// only this party knows the holder's consent by. Never a template or holder id.
    public var sub: String
    /// The party that asked.
    public var party_id: String
    /// `probe` or `device`.
    public var mode: String
    /// Time of the verification, Unix seconds.
    public var iat: Int
    /// Until when the result may be relied on, Unix seconds.
    public var exp: Int
    /// The audience: the party the result was issued to (its id).
    public var aud: String
    /// A unique id of this result.
    public var jti: String
    /// The party's nonce from the request, echoed; absent when it sent none.
    public var nonce: String?

    /// Creates claims.
    public init(match: Bool, ledger_index: Int, log_origin: String, sub: String, party_id: String, mode: String, iat: Int,
                exp: Int, jti: String, nonce: String?) {
        self.match = match
        self.ledger_index = ledger_index
        self.log_origin = log_origin
        self.sub = sub
        self.party_id = party_id
        self.mode = mode
        self.iat = iat
        self.exp = exp
        self.aud = party_id
        self.jti = jti
        self.nonce = nonce
    }

    /// Refuses an expired result (JWTKit calls this after the signature checks out). The
    /// audience and nonce are the relying party's to compare with its own id and request.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(exp))).verifyNotExpired()
    }
}

/// Signs verification results, consent tokens and status lists with the server's result key,
/// and publishes it as a JWKS.
public struct ResultSigner: Sendable {
    private let keys: JWTKeyCollection
    /// Signs consent tokens and status lists (``CompactJWS``) as well as results.
    let privateKey: Curve25519.Signing.PrivateKey
    /// The public half, which checks the consent tokens parties present.
    public let publicKey: Curve25519.Signing.PublicKey
    /// The key id in every result's header and in the JWKS.
    public let keyID: String

    /// Checks a result JWS with this signer's key (for tests and relying-party examples).
    /// - Parameter now: the clock `exp` is checked against (tests inject theirs).
    /// - Throws: JWTKit's error for a bad signature; `JWTError` `claimVerificationFailure` once expired.
    public func verify(_ jws: String, now: Date = Date()) async throws -> VerificationClaims {
        let claims = try await keys.verify(jws, as: SignatureChecked<VerificationClaims>.self).value
        try ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(claims.exp))).verifyNotExpired(currentDate: now)
        return claims
    }

    /// Creates a signer for `privateKey`.
    public init(privateKey: Curve25519.Signing.PrivateKey) async {
        self.privateKey = privateKey
        publicKey = privateKey.publicKey
        keyID = Base64.encodeURL(SHA256.hash(data: privateKey.publicKey.rawRepresentation).prefix(8))
        keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: privateKey), kid: JWKIdentifier(string: keyID))
    }

    /// Loads the result key from `path` (raw 32-byte seed, base64, mode 0600), creating it on first use.
    /// - Throws: ``ServiceError`` `.configuration` when the file is unreadable, malformed or too permissive.
    public static func loadOrCreate(path: String) async throws -> ResultSigner {
        if !FileManager.default.fileExists(atPath: path) {
            let key = Curve25519.Signing.PrivateKey()
            if try LogKeyFile.createSecret(Base64.encode(key.rawRepresentation) + "\n", at: path) {
                return await ResultSigner(privateKey: key)
            }
        }
        try LogKeyFile.requirePrivate(path)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let seed = Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else { throw ServiceError(.configuration, "result key \(path) is malformed") }
        return await ResultSigner(privateKey: key)
    }

    /// A compact JWS of `claims`.
    public func sign(_ claims: VerificationClaims) async throws -> String {
        var header = JWTHeader()
        header.typ = "signet-result+jwt"
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
    }

    /// The public key, raw 32 bytes in base64url (the JWK's `x`).
    public var publicKeyBase64URL: String { Base64.encodeURL(publicKey.rawRepresentation) }
}

/// A payload whose signature JWTKit checks and whose claims the caller checks against its
/// own clock.
private struct SignatureChecked<Value: Codable & Sendable>: JWTPayload {
    let value: Value

    init(from decoder: any Decoder) throws { value = try Value(from: decoder) }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
