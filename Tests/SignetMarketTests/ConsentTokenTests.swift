import Crypto
import Foundation
import SignetCore
import SignetMarket
import Testing

/// The SD-JWT format on its own: what a verifier must refuse beyond a bad signature.
struct ConsentTokenTests {
    static let issuer = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 3, count: 32))
    static let party = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 4, count: 32))
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func claims() -> ConsentClaims {
        ConsentClaims(iss: "test/log", sub: "g_AAAAAAAAAAAAAAAAAAAAAA", party_id: "p_AAAAAAAAAAAAAAAAAAAAAA", iat: 1_790_000_000, exp: 1_790_086_400,
                      jti: Base64.encodeURL([UInt8](repeating: 1, count: 32)), scope: "verify", purpose: "dpv:IdentityVerification", max_uses: 2,
                      retention_days: 0, ledger_index: 7, log_origin: "test/log", protocol_id: nil,
                      status: .init(status_list: .init(idx: 7, uri: "http://x/v1/status-lists/grants")),
                      cnf: .init(jwk: .init(ed25519: Array(party.publicKey.rawRepresentation))))
    }

    static func presented(disclosable: [String: JSONValue]) throws -> ConsentPresentation {
        let token = try ConsentToken.issue(claims(), disclosable: disclosable, keyID: "k", signingKey: issuer, random: SystemRandomBytes())
        return try #require(ConsentPresentation(try ConsentPresentation.present(token, audience: "test/log", nonce: "n", at: now, with: party)))
    }

    @Test func aWellFormedPresentationVerifiesWithItsDisclosures() throws {
        let presentation = try Self.presented(disclosable: ["price": .number(200)])
        let token = try presentation.verifiedToken(issuerKey: Self.issuer.publicKey, issuer: "test/log")
        try presentation.verifyKeyBinding(of: token, audience: "test/log", now: Self.now, freshness: 300)
        #expect(token.disclosed == ["price": .number(200)] && token.claims.max_uses == 2)
    }

    @Test func anotherIssuerOrAClearClaimDisclosedAgainIsRefused() throws {
        let presentation = try Self.presented(disclosable: ["price": .number(200)])
        #expect(throws: ConsentTokenError.self) { try presentation.verifiedToken(issuerKey: Self.issuer.publicKey, issuer: "elsewhere/log") }
        let repeated = try Self.presented(disclosable: ["max_uses": .number(1000)])
        let error = #expect(throws: ConsentTokenError.self) { try repeated.verifiedToken(issuerKey: Self.issuer.publicKey) }
        #expect(error?.reason.contains("in the clear") == true)
    }

    @Test func aJWSWithCriticalExtensionsIsRefused() throws {
        let plain = try CompactJWS.sign(header: ["typ": .string("JWT")], payload: Array("{}".utf8), with: Self.issuer)
        let critical = try CompactJWS.sign(header: ["typ": .string("JWT"), "crit": .array([.string("exp")])], payload: Array("{}".utf8), with: Self.issuer)
        #expect(CompactJWS.verify(plain, key: Self.issuer.publicKey) != nil)
        #expect(CompactJWS.verify(critical, key: Self.issuer.publicKey) == nil)
        #expect(CompactJWS.verify(plain, key: Self.party.publicKey) == nil)
    }
}
