public import Crypto
public import Foundation
public import HTTPTypes
import SignetCore

/// Verifies Ed25519 request signatures (RFC 9421) and the `Content-Digest` they cover (RFC 9530).
///
/// A request passes only when, in this order: the label is present and well formed; every
/// required component and parameter is covered; `alg`, if present, is `ed25519`; `created` is
/// within the clock skew of `now` and `expires` has not passed; the key is known; the signature
/// verifies; the `Content-Digest` matches the body; and the replay check accepts the nonce.
/// The replay check runs last, so a forged request cannot use up a legitimate client's nonce.
///
/// ```swift
/// let verifier = HTTPMessageVerifier(
///     keyLookup: { keyID in try await keys.publicKey(for: keyID) },
///     replayCheck: { keyID, nonce in await nonces.insert(keyID, nonce) }
/// )
/// let verified = try await verifier.verify(request.head, body: bytes, now: clock.now)
/// ```
// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-3.2
public struct HTTPMessageVerifier: Sendable {
    /// Returns the public key for a `keyid`, or `nil` when the key is unknown.
    public typealias KeyLookup = @Sendable (_ keyID: String) async throws -> Curve25519.Signing.PublicKey?
    /// Records a nonce for a key; returns `false` when that pair was already seen.
    public typealias ReplayCheck = @Sendable (_ keyID: String, _ nonce: String) async -> Bool

    /// The policy and limits applied to every request.
    public let configuration: HTTPMessageVerifierConfiguration
    private let keyLookup: KeyLookup
    private let replayCheck: ReplayCheck

    /// Creates a verifier.
    /// - Parameters:
    ///   - configuration: Policy and limits.
    ///   - keyLookup: Finds the public key for a `keyid`.
    ///   - replayCheck: Records each nonce; MUST return `false` for a pair it has seen before.
    public init(
        configuration: HTTPMessageVerifierConfiguration = .init(),
        keyLookup: @escaping KeyLookup,
        replayCheck: @escaping ReplayCheck
    ) {
        self.configuration = configuration
        self.keyLookup = keyLookup
        self.replayCheck = replayCheck
    }

    /// The signature label Signet's API uses (RFC 9421 §4.1).
    public static let label = "sig1"

    /// Verifies the signature labelled `label` on a request.
    /// - Parameters:
    ///   - request: The request head. `scheme` and `authority` SHOULD come from server
    ///     configuration, since `@target-uri` and `@authority` are built from them.
    ///   - body: The request content as received; empty when there is none.
    ///   - label: The signature to check, for example `sig1`.
    ///   - now: The current time, from the caller's clock.
    /// - Returns: The verified signature.
    /// - Throws: ``HTTPSignatureError``; its code says which check failed. Errors thrown by the
    ///   key lookup pass through unchanged.
    public func verify(
        _ request: HTTPRequest,
        body: some DataProtocol = [UInt8](),
        label: String = HTTPMessageVerifier.label,
        now: Date
    ) async throws -> VerifiedRequestSignature {
        let unverified = try UnverifiedRequestSignature(request: request, label: label, configuration: configuration)
        let parameters = unverified.parameters
        let covered = unverified.coveredComponents
        let coversDigest = covered.contains(.contentDigest)

        for component in configuration.requiredComponents where !covered.contains(component) {
            throw HTTPSignatureError(.missingComponent, "required component \(component) is not covered")
        }
        if configuration.requiresContentDigestForBody, !body.isEmpty, !coversDigest {
            throw HTTPSignatureError(.missingComponent, "a request with a body must cover content-digest")
        }
        if let algorithm = parameters.algorithm, algorithm != HTTPMessageSigner.algorithm {
            throw HTTPSignatureError(.malformedSignature, "unsupported alg")
        }
        guard let keyID = parameters.keyID else {
            throw HTTPSignatureError(.missingComponent, "keyid is required")
        }
        guard let created = parameters.created else {
            throw HTTPSignatureError(.missingComponent, "created is required")
        }
        let nonce = parameters.nonce
        if configuration.requiresNonce, nonce == nil {
            throw HTTPSignatureError(.missingComponent, "nonce is required")
        }
        guard keyID.utf8.count <= configuration.maximumParameterLength,
            (nonce?.utf8.count ?? 0) <= configuration.maximumParameterLength
        else {
            throw HTTPSignatureError(.malformedSignature, "keyid or nonce is too long")
        }

        let createdDate = Date(timeIntervalSince1970: TimeInterval(created))
        guard abs(now.timeIntervalSince(createdDate)) <= Self.seconds(configuration.maximumClockSkew) else {
            throw HTTPSignatureError(.clockSkew, "created is outside the allowed clock skew")
        }
        let expiresDate = parameters.expires.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        if let expiresDate, now > expiresDate {
            throw HTTPSignatureError(.expired, "expires has passed")
        }

        guard let publicKey = try await keyLookup(keyID) else {
            throw HTTPSignatureError(.unknownKey, "no key for keyid")
        }
        let base: SignatureBase
        do {
            base = try SignatureBase(request: request, coveredComponents: covered, parameters: parameters)
        } catch let error as HTTPSignatureError where error.code == .missingComponent {
            throw error
        } catch {
            // Deliberate: any other failure to rebuild the base is reported like a bad signature.
            throw HTTPSignatureError.badSignature()
        }
        guard publicKey.isValidSignature(unverified.signature, for: base.bytes) else {
            throw HTTPSignatureError.badSignature()
        }

        if coversDigest {
            // The signature has already authenticated this field value; now tie it to the body.
            let lines = request.headerFields[values: ContentDigest.field]
            try ContentDigest.verify(
                lines.joined(separator: ", "),
                body: body,
                maximumFieldLength: configuration.maximumContentDigestLength
            )
        }

        if let nonce, await !replayCheck(keyID, nonce) {
            throw HTTPSignatureError(.replayedNonce, "nonce already used")
        }
        return VerifiedRequestSignature(
            label: unverified.label,
            keyID: keyID,
            publicKey: Array(publicKey.rawRepresentation),
            created: createdDate,
            expires: expiresDate,
            nonce: nonce,
            coveredComponents: covered
        )
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension HTTPMessageVerifier {
    /// The structural part of ``verify(_:body:now:)``, for a request whose key is known only
    /// later (a registration names the key it registers in its body): the signature fields
    /// parse, cover what they must, and a request with a body carries `Content-Digest`.
    /// - Throws: ``HTTPSignatureError`` as ``verify(_:body:now:)`` would for the same fault.
    public static func checkStructure(of request: HTTPRequest, carriesBody: Bool) throws {
        _ = try UnverifiedRequestSignature(request: request, label: label, configuration: HTTPMessageVerifierConfiguration())
        if carriesBody, request.headerFields[ContentDigest.field] == nil {
            throw HTTPSignatureError(.digestMismatch, "the request has a body but no Content-Digest field")
        }
    }
}
