import SignetAuth
import Crypto
public import Foundation
import HTTPTypes
import SignetCore
import SignetMarket

/// Checks the RFC 9421 signature of an API request against registered keys and the shared
/// nonce store.
struct RequestAuthenticator: Sendable {
    let identities: any IdentityStorage
    let nonces: any NonceStorage
    let now: @Sendable () -> Date
    let configuration: APIConfiguration
    /// Active keys by principal id, each trusted for ``keyCacheLifetime`` after it was read: a
    /// key rotated or revoked through another instance (or `signet admin key revoke`) stops
    /// working here within that time, and one rotated through this instance at once
    /// (``forget(_:)``). A party's status is always read afresh.
    private let keys = BoundedCache<String, CachedKey>(capacity: 100_000)
    /// How long a read key is trusted without reading it again.
    static let keyCacheLifetime: TimeInterval = 5

    struct CachedKey: Sendable {
        let key: [UInt8]
        let readAt: Date
    }

    init(identities: any IdentityStorage, nonces: any NonceStorage, now: @escaping @Sendable () -> Date, configuration: APIConfiguration) {
        self.identities = identities
        self.nonces = nonces
        self.now = now
        self.configuration = configuration
    }

    /// Verifies the request's signature over `head` and `body`.
    /// - Parameters:
    ///   - proofOfPossession: on registration, the raw public key being registered; the
    ///     signature's keyid MUST then be its base64url form and verify under it.
    /// - Returns: the body and the verified signature.
    /// - Throws: ``Problem`` for every failure (never a 500 for client mistakes).
    func authenticate(_ request: HTTPRequest, body: [UInt8], proofOfPossession: [UInt8]? = nil) async throws -> VerifiedRequestSignature {
        var head = request
        head.scheme = configuration.publicScheme
        // Without a configured public URL, the authority the client addressed (Host) is used:
        // fine for direct connections; set a public URL behind a proxy so it is pinned.
        head.authority = configuration.publicAuthority ?? request.authority
        // Behind a proxy that serves Signet under a prefix and strips it, clients sign the
        // prefixed path they addressed.
        head.path = configuration.publicPathPrefix + (request.path ?? "/")
        let identities = self.identities
        let nonces = self.nonces
        let keys = self.keys
        let skew = configuration.maximumClockSkew
        let clock = now
        let verifier = HTTPMessageVerifier(
            configuration: HTTPMessageVerifierConfiguration(maximumClockSkew: skew),
            keyLookup: { keyID in
                if let proofOfPossession {
                    guard keyID == Base64.encodeURL(proofOfPossession) else { return nil }
                    return try? Curve25519.Signing.PublicKey(rawRepresentation: proofOfPossession)
                }
                guard let id = PrincipalID(keyID) else { return nil }
                let now = clock()
                var raw: [UInt8]?
                if let cached = keys.get(keyID), now.timeIntervalSince(cached.readAt) < Self.keyCacheLifetime, cached.readAt <= now {
                    raw = cached.key
                } else {
                    keys.remove(keyID)
                    // A revoked key reads as none: the request is refused as `unknown_key`.
                    raw = try await identities.activeKey(of: id)
                    if let raw { keys.put(keyID, CachedKey(key: raw, readAt: now)) }
                }
                return raw.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
            },
            replayCheck: { keyID, nonce in
                // Nonces are kept twice the skew window: a replay outside it fails the clock check.
                let now = clock()
                return (try? await nonces.record(keyID: keyID, nonce: nonce, expiry: now + 2 * skew.timeInterval, now: now)) ?? false
            })
        do {
            return try await verifier.verify(head, body: body, now: now())
        } catch let error as HTTPSignatureError {
            throw ErrorMapping.problem(for: error)
        }
    }
}

extension RequestAuthenticator {
    /// Forgets the cached key of `principal`, after this instance changed it.
    func forget(_ principal: PrincipalID) {
        keys.remove(principal.rawValue)
    }
}

/// Settings of the HTTP API (the workflows' policy and clock are in `ServiceConfiguration`).
public struct APIConfiguration: Sendable {
    /// The scheme clients use to reach the server (`@target-uri` is built from it).
    public var publicScheme: String
    /// The authority (host:port) clients use to reach the server; `nil` takes it from each request's Host.
    public var publicAuthority: String?
    /// The public URL's path without a trailing slash (`""` at the root), e.g. `/signet` for
    /// `https://example.org/signet`: clients sign the prefixed path.
    public var publicPathPrefix: String
    /// Largest accepted request body in bytes; `nil` takes ``bodyLimit(embeddingDimension:)``
    /// for the vault's largest profile dimension.
    public var maximumBodySize: Int?
    /// Allowed difference between a signature's `created` and the server clock.
    public var maximumClockSkew: Duration

    /// Creates a configuration.
    /// - Parameters:
    ///   - publicURL: the base URL clients use, e.g. `https://signet.example`; `nil` trusts each request's
    ///     Host header (direct connections only). Default `http://127.0.0.1:8080`.
    ///   - maximumBodySize: default `nil`: just what the vault's largest enrollment needs.
    ///   - maximumClockSkew: default 5 minutes.
    public init(publicURL: URL? = URL(string: "http://127.0.0.1:8080")!, maximumBodySize: Int? = nil,
                maximumClockSkew: Duration = .seconds(300)) {
        self.publicScheme = publicURL?.scheme ?? "http"
        self.publicAuthority = publicURL.map { url in
            let host = url.host ?? "127.0.0.1"
            return url.port.map { "\(host):\($0)" } ?? host
        }
        let path = publicURL?.path ?? ""
        self.publicPathPrefix = path.hasSuffix("/") ? String(path.dropLast()) : path
        self.maximumBodySize = maximumBodySize
        self.maximumClockSkew = maximumClockSkew
    }
}

extension APIConfiguration {
    /// The body limit that admits an enrollment of ten samples at `embeddingDimension`, each
    /// number written at full length, and nothing much larger; never below 64 KiB, which every
    /// other operation fits in.
    ///
    /// A number takes at most 24 bytes with its comma (`-3.4028234663852886e+38,`); a sample's
    /// object adds under 64, the list under 32. Half as much again is allowed for whitespace
    /// (`", "` separators, indentation), so any ordinary JSON encoder's output fits.
    public static func bodyLimit(embeddingDimension: Int) -> Int {
        let enrollment = 10 * (24 * max(0, embeddingDimension) + 64) + 32
        return max(64 * 1024, enrollment * 3 / 2)
    }
}

extension Duration {
    var timeInterval: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
