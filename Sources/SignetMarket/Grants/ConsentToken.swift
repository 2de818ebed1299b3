public import Crypto
public import Foundation
public import SignetCore

/// A consent token: an SD-JWT (RFC 9901) that Signet issues to a party when a holder grants it
/// uses of their signature, bound to the party's key.
///
/// As issued it is `<issuer-signed JWT>~<disclosure>~…~`; the party presents it with a fresh
/// key-binding JWT appended (``ConsentPresentation``).
public enum ConsentToken {
    /// The issuer JWT's `typ` (RFC 9901 §9.11 recommends an explicit, application-specific type).
    public static let type = "signet-grant+sd-jwt"
    /// The key-binding JWT's `typ` (RFC 9901 §4.3).
    public static let keyBindingType = "kb+jwt"

    /// Issues a token: one disclosure per selectively disclosable claim, each with a fresh
    /// 128-bit salt, and the issuer JWT carrying their digests (sorted, so their order reveals
    /// nothing of the claims' order).
    public static func issue(_ claims: ConsentClaims, disclosable: [String: JSONValue], keyID: String,
                             signingKey: Curve25519.Signing.PrivateKey, random: any RandomBytesGenerator) throws -> String {
        var claims = claims
        var disclosures: [String] = []
        for name in disclosable.keys.sorted() {
            let array = JSONValue.array([.string(Base64.encodeURL(random.bytes(16))), .string(name), disclosable[name]!])
            disclosures.append(Base64.encodeURL(try CanonicalJSON.encode(array)))
        }
        claims._sd_alg = "sha-256"
        claims._sd = disclosures.map(digest).sorted()
        let payload = try JSONEncoder().encode(claims)
        let jwt = try CompactJWS.sign(header: ["typ": .string(type), "kid": .string(keyID)], payload: Array(payload), with: signingKey)
        return ([jwt] + disclosures).joined(separator: "~") + "~"
    }

    /// The digest of a disclosure: base64url(SHA-256(ASCII of its base64url text)) (RFC 9901 §4.2.3).
    public static func digest(_ disclosure: some StringProtocol) -> String {
        Base64.encodeURL(SHA256.hash(data: Array(disclosure.utf8)))
    }
}

/// Why a consent token presentation was refused; each reason is one a test provokes.
public struct ConsentTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence the party is told.
    public let reason: String

    /// A refusal for `reason`.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// A consent token as a party presents it: `<issuer JWT>~<disclosures>~<key-binding JWT>`,
/// checked the way RFC 9901 §7 says, with the checks sd-jwt 0.10 leaves to its caller
/// (expiry, unreferenced disclosures) included.
public struct ConsentPresentation: Sendable {
    /// The issuer-signed JWT, as presented.
    public let issuerJWT: Substring
    /// The disclosures, as presented.
    public let disclosures: [Substring]
    /// The key-binding JWT; `nil` when the presentation ends in `~`.
    public let keyBindingJWT: Substring?
    /// The presentation without its key-binding JWT, ending in `~`: what `sd_hash` covers, and
    /// the key a verifier keeps the checked token part by. A slice of the text as presented, so
    /// the hot path never joins the parts again.
    public let sdJWTText: Substring

    /// Splits a presentation; `nil` unless it has at least an issuer JWT and a final `~` part.
    public init?(_ text: String) {
        let parts = text.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts[0].isEmpty, parts.dropFirst().dropLast().allSatisfy({ !$0.isEmpty }) else { return nil }
        issuerJWT = parts[0]
        disclosures = Array(parts.dropFirst().dropLast())
        keyBindingJWT = parts.last!.isEmpty ? nil : parts.last!
        sdJWTText = text[..<parts.last!.startIndex]
    }

    /// The token part checked (issuer signature, `typ`, claims, and every disclosure referenced
    /// exactly once and well formed): everything that is the same each time the party presents
    /// this token, so a verifier may keep the result by ``sdJWTText``. Expiry and the key
    /// binding are checked by ``verifyKeyBinding(of:audience:now:freshness:)`` every time.
    public func verifiedToken(issuerKey: Curve25519.Signing.PublicKey) throws(ConsentTokenError) -> VerifiedConsentToken {
        guard let jws = CompactJWS.verify(issuerJWT, key: issuerKey) else {
            throw ConsentTokenError("the consent token's signature does not check out under this server's key")
        }
        guard jws.type == ConsentToken.type else {
            throw ConsentTokenError("the consent token's typ is not \(ConsentToken.type)")
        }
        guard let claims = try? JSONDecoder().decode(ConsentClaims.self, from: Data(jws.payload)), claims._sd_alg == "sha-256" else {
            throw ConsentTokenError("the consent token's claims are malformed")
        }
        let disclosed = try disclosedClaims(digests: claims._sd)
        // RFC 9901 §7.1: a disclosed name must not also be a claim in the clear.
        let clear = Set(((try? JSONDecoder().decode([String: JSONValue].self, from: Data(jws.payload))) ?? [:]).keys)
        guard clear.isDisjoint(with: disclosed.keys) else {
            throw ConsentTokenError("a disclosure repeats a claim the consent token carries in the clear")
        }
        return VerifiedConsentToken(claims: claims, disclosed: disclosed)
    }

    /// Also requires the token's issuer to be `issuer` (its `iss`).
    public func verifiedToken(issuerKey: Curve25519.Signing.PublicKey, issuer: String) throws(ConsentTokenError) -> VerifiedConsentToken {
        let token = try verifiedToken(issuerKey: issuerKey)
        guard token.claims.iss == issuer else { throw ConsentTokenError("the consent token's iss is not \(issuer)") }
        return token
    }

    /// Checks what changes with each presentation: the token unexpired at `now`, and the
    /// key-binding JWT signed by the token's `cnf` key, of type `kb+jwt`, for `audience`, with a
    /// nonce, issued within `freshness` of `now`, over exactly this presentation (`sd_hash`).
    public func verifyKeyBinding(of token: VerifiedConsentToken, audience: String, now: Date, freshness: TimeInterval) throws(ConsentTokenError) {
        let claims = token.claims
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        guard claims.exp > seconds else { throw ConsentTokenError("the consent token has expired") }
        guard let keyBindingJWT else {
            throw ConsentTokenError("the presentation has no key-binding JWT: append one signed by the party's key")
        }
        guard claims.cnf.jwk.kty == "OKP", claims.cnf.jwk.crv == "Ed25519", let raw = Base64.decodeURL(claims.cnf.jwk.x),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw ConsentTokenError("the consent token's cnf key is not an Ed25519 JWK")
        }
        guard let jws = CompactJWS.verify(keyBindingJWT, key: key) else {
            throw ConsentTokenError("the key-binding JWT is not signed by the key the consent token was issued to")
        }
        guard jws.type == ConsentToken.keyBindingType else {
            throw ConsentTokenError("the key-binding JWT's typ is not kb+jwt")
        }
        guard let binding = try? JSONDecoder().decode(KeyBindingClaims.self, from: Data(jws.payload)) else {
            throw ConsentTokenError("the key-binding JWT needs iat, aud, nonce and sd_hash")
        }
        guard binding.aud == audience else { throw ConsentTokenError("the key-binding JWT's aud is not \(audience)") }
        guard !binding.nonce.isEmpty, binding.nonce.utf8.count <= 128 else { throw ConsentTokenError("the key-binding JWT's nonce must be 1 to 128 characters") }
        guard abs(TimeInterval(binding.iat) - now.timeIntervalSince1970) <= freshness else {
            throw ConsentTokenError("the key-binding JWT is stale: its iat must be within \(Int(freshness)) seconds of the server's clock")
        }
        guard binding.sd_hash == ConsentToken.digest(sdJWTText) else {
            throw ConsentTokenError("the key-binding JWT's sd_hash does not match this presentation")
        }
    }

    /// Appends a key-binding JWT signed by the party's key (`sdJWT` is a token as issued, ending in `~`).
    public static func present(_ sdJWT: String, audience: String, nonce: String, at time: Date,
                               with key: Curve25519.Signing.PrivateKey) throws -> String {
        let claims = KeyBindingClaims(iat: Int(time.timeIntervalSince1970.rounded(.down)), aud: audience, nonce: nonce,
                                      sd_hash: ConsentToken.digest(sdJWT))
        return sdJWT + (try CompactJWS.sign(header: ["typ": .string(ConsentToken.keyBindingType)],
                                            payload: Array(JSONEncoder().encode(claims)), with: key))
    }

    /// Appends a key-binding JWT for the server that issued `sdJWT` (its `iss`, which every
    /// Signet server also expects as `aud`), with a fresh random nonce.
    /// - Returns: `nil` when `sdJWT` is not a consent token as issued.
    public static func present(_ sdJWT: String, at time: Date, with key: Curve25519.Signing.PrivateKey,
                               random: any RandomBytesGenerator = SystemRandomBytes()) throws -> String? {
        guard sdJWT.hasSuffix("~"), let issuer = sdJWT.split(separator: "~").first, let payload = CompactJWS.unverifiedPayload(issuer),
              case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: Data(payload)),
              case .string(let audience)? = claims["iss"] else { return nil }
        return try present(sdJWT, audience: audience, nonce: Base64.encodeURL(random.bytes(16)), at: time, with: key)
    }

    /// Every disclosure decoded, each referenced by one digest of `digests` and presented once.
    private func disclosedClaims(digests: [String]) throws(ConsentTokenError) -> [String: JSONValue] {
        let referenced = Set(digests)
        guard referenced.count == digests.count else { throw ConsentTokenError("the consent token repeats a disclosure digest") }
        var seen = Set<String>()
        var disclosed: [String: JSONValue] = [:]
        for disclosure in disclosures {
            let digest = ConsentToken.digest(disclosure)
            guard referenced.contains(digest) else {
                throw ConsentTokenError("a disclosure is not referenced by any digest in the consent token (tampered or foreign)")
            }
            guard seen.insert(digest).inserted else { throw ConsentTokenError("a disclosure is presented twice") }
            guard let bytes = Base64.decodeURL(disclosure),
                  case .array(let parts)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
                  parts.count == 3, case .string = parts[0], case .string(let name) = parts[1],
                  name != "_sd", name != "...", disclosed[name] == nil else {
                throw ConsentTokenError("a disclosure is not a [salt, name, value] array with a permitted, unique name")
            }
            disclosed[name] = parts[2]
        }
        return disclosed
    }
}

/// A consent token whose issuer signature and disclosures checked out.
public struct VerifiedConsentToken: Sendable, Equatable {
    /// The always-visible claims.
    public let claims: ConsentClaims
    /// The disclosed claims by name.
    public let disclosed: [String: JSONValue]
}

/// The claims of a key-binding JWT (RFC 9901 §4.3).
public struct KeyBindingClaims: Codable, Sendable, Equatable {
    /// When the party made it, Unix seconds.
    public var iat: Int
    /// The Signet server it is presented to.
    public var aud: String
    /// The party's fresh value.
    public var nonce: String
    /// base64url(SHA-256(the presentation up to and including the `~` before this JWT)).
    public var sd_hash: String
}
