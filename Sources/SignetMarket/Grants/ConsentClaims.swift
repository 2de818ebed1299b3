public import Foundation
public import SignetCore

/// The always-visible claims of a consent token: the issuer-signed JWT of an SD-JWT (RFC 9901).
///
/// What the party may do is all here, in the clear, so any verifier reads the same terms:
/// purpose, scope, uses, expiry, and where the grant sits in the ledger. What only some
/// verifiers need (the holder's attributes, the price, the purpose in the party's words) is
/// selectively disclosable, under `_sd`.
public struct ConsentClaims: Codable, Sendable, Equatable {
    /// The issuing Signet server (its log origin).
    public var iss: String
    /// The grant's handle: the pairwise pseudonym this party knows the holder's consent by.
    public var sub: String
    /// The party the grant is for.
    public var party_id: String
    /// Issued at, Unix seconds.
    public var iat: Int
    /// Expiry, Unix seconds: the grant's validity ends here.
    public var exp: Int
    /// The grant's secret: 32 random bytes in base64url; Signet keys the grant by its SHA-256.
    public var jti: String
    /// `verify` or `attributes`.
    public var scope: String
    /// The DPV purpose (`dpv:IdentityVerification`, ...).
    public var purpose: String
    /// How many uses the grant allows in all.
    public var max_uses: Int
    /// How long the party may keep what it learns, days.
    public var retention_days: Int
    /// Index of the `grant` event in the ledger (also the token's place in the status list).
    public var ledger_index: Int
    /// The ledger's checkpoint origin.
    public var log_origin: String
    /// The content id of the trust protocol in force when the grant was made.
    public var protocol_id: String?
    /// Where the token's revocation status is published (draft-ietf-oauth-status-list).
    public var status: Status
    /// The party's key: every presentation carries a key-binding JWT signed by it.
    public var cnf: Confirmation
    /// The digest algorithm of the disclosures, always `sha-256`.
    public var _sd_alg: String
    /// The digests of the selectively disclosable claims.
    public var _sd: [String]

    /// Creates claims; ``ConsentToken/issue(_:disclosable:keyID:signingKey:random:)`` fills in `_sd_alg` and `_sd`.
    public init(iss: String, sub: String, party_id: String, iat: Int, exp: Int, jti: String, scope: String, purpose: String, max_uses: Int, retention_days: Int, ledger_index: Int, log_origin: String, protocol_id: String?, status: Status, cnf: Confirmation) {
        self.iss = iss
        self.sub = sub
        self.party_id = party_id
        self.iat = iat
        self.exp = exp
        self.jti = jti
        self.scope = scope
        self.purpose = purpose
        self.max_uses = max_uses
        self.retention_days = retention_days
        self.ledger_index = ledger_index
        self.log_origin = log_origin
        self.protocol_id = protocol_id
        self.status = status
        self.cnf = cnf
        _sd_alg = "sha-256"
        _sd = []
    }

    /// `{"status_list": {"idx": ..., "uri": ...}}`.
    public struct Status: Codable, Sendable, Equatable {
        /// The referenced status list entry.
        public var status_list: Reference

        /// The status of a token at `reference`.
        public init(status_list reference: Reference) {
            status_list = reference
        }

        /// An index in the status list at `uri`.
        public struct Reference: Codable, Sendable, Equatable {
            /// The token's index in the list.
            public var idx: Int
            /// The status list token's URL (its `sub`).
            public var uri: String

            /// A reference to entry `idx` of the list at `uri`.
            public init(idx: Int, uri: String) {
                self.idx = idx
                self.uri = uri
            }
        }
    }

    /// `{"jwk": {...}}`: the confirmation key (RFC 7800).
    public struct Confirmation: Codable, Sendable, Equatable {
        /// The party's Ed25519 public key as an OKP JWK (RFC 8037).
        public var jwk: OKPKey

        /// Confirmation by `jwk`.
        public init(jwk: OKPKey) {
            self.jwk = jwk
        }
    }

    /// An Ed25519 public key as a JWK.
    public struct OKPKey: Codable, Sendable, Equatable {
        /// `OKP`.
        public var kty: String
        /// `Ed25519`.
        public var crv: String
        /// The raw key in base64url.
        public var x: String

        /// The JWK of a raw 32-byte Ed25519 public key.
        public init(ed25519 publicKey: [UInt8]) {
            kty = "OKP"
            crv = "Ed25519"
            x = Base64.encodeURL(publicKey)
        }
    }
}
