public import Crypto
public import Foundation
import SignetCore
import SignetMarket

/// The test suites' principal keys: key `n` is the Ed25519 key whose seed is 32 bytes of `n`.
public enum NumberedKeys {
    /// Key `number`.
    public static func privateKey(_ number: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: number, count: 32))
    }

    /// A consent token presented by the party it was issued to, when that party's key is a
    /// numbered key: the key whose public half the token's `cnf` names signs a key-binding JWT
    /// dated `time`. `nil` when the token is malformed or names no numbered key.
    public static func present(_ token: String, at time: Date) throws -> String? {
        guard let issuer = token.split(separator: "~").first, let payload = CompactJWS.unverifiedPayload(issuer),
              let claims = try? JSONDecoder().decode(ConsentClaims.self, from: Data(payload)),
              let key = (1...255).lazy.map({ privateKey(UInt8($0)) }).first(where: { Base64.encodeURL($0.publicKey.rawRepresentation) == claims.cnf.jwk.x })
        else { return nil }
        return try ConsentPresentation.present(token, at: time, with: key)
    }
}
