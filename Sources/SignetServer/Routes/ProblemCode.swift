public import Hummingbird

/// Every machine-readable `code` a Signet problem response carries, with its HTTP status.
///
/// One place for all of them, the ledger routes' included, so a client author can read the
/// whole list here (and in openapi.yaml's `Problem` schema).
public enum ProblemCode: String, Sendable, CaseIterable {
    /// 400: the body is not JSON, or not a JSON object.
    case invalidJSON = "invalid_json"
    /// 400: the body names a field this operation does not have.
    case unknownField = "unknown_field"
    /// 400: a field is missing, of the wrong type, or out of range.
    case invalidField = "invalid_field"
    /// 400: a tile or entry-bundle path is malformed.
    case invalidTilePath = "invalid_tile_path"
    /// 400: the request signature fields are malformed or unsupported.
    case malformedSignature = "malformed_signature"
    /// 400: the signature does not cover what it must.
    case missingComponent = "missing_component"
    /// 400: `Content-Digest` is missing or does not match the body.
    case digestMismatch = "digest_mismatch"
    /// 401: the request carries no signature.
    case missingSignature = "missing_signature"
    /// 401: the signature's keyid names no registered key.
    case unknownKey = "unknown_key"
    /// 401: the signature does not verify.
    case badSignature = "bad_signature"
    /// 401: the signature's `created` is too far from the server's clock.
    case clockSkew = "clock_skew"
    /// 401: the signature has expired.
    case expired
    /// 401: the nonce was already used with this key.
    case replayedNonce = "replayed_nonce"
    /// 403: only a holder may do this.
    case holderOnly = "holder_only"
    /// 403: only a registered party may do this.
    case partyOnly = "party_only"
    /// 403: the operator has not approved this party.
    case partyNotApproved = "party_not_approved"
    case notAttester = "not_attester"
    /// 403: no unused, unexpired permission for this party and template.
    case invalidGrant = "invalid_grant"
    /// 403: the permission carries no such unexpired challenge.
    case invalidChallenge = "invalid_challenge"
    /// 404: no such resource (or not the caller's to see).
    case notFound = "not_found"
    /// 405: the path exists but not with this method (`Allow` lists the methods).
    case methodNotAllowed = "method_not_allowed"
    /// 406: the client accepts no media type this operation answers with.
    case notAcceptable = "not_acceptable"
    /// 409: the key is already registered.
    case conflict
    /// 409: the server has no vault profile and enrolls nothing (the detail names the command to run).
    case vaultUncalibrated = "vault_uncalibrated"
    /// 409: the template was enrolled under a vault profile this server has not loaded.
    case vaultProfileMissing = "vault_profile_missing"
    /// 413: the body is larger than the server accepts.
    case bodyTooLarge = "body_too_large"
    /// 415: the body is not `application/json`.
    case unsupportedMediaType = "unsupported_media_type"
    /// 422: the embedding's dimension is out of range or unusable.
    case invalidEmbedding = "invalid_embedding"
    /// 422: the embedding does not have the deployment's dimension.
    case wrongDimension = "wrong_dimension"
    /// 422: the embedding holds a value that is no finite 32-bit float.
    case nonFinite = "non_finite"
    /// 422: the embedding is the zero vector after centring.
    case zeroVector = "zero_vector"
    /// 422: the trust protocol refused the offer (the detail names the rules and why).
    case protocolRefused = "protocol_refused"
    /// 429: a rate limit refused the attempt (`Retry-After` says when to retry).
    case rateLimited = "rate_limited"
    /// 500: an unexpected fault; an enrollment, renewal or deletion it interrupted is completed or undone by the server within minutes (see `ChangeRecovery`); nothing else is promised.
    case `internal`
    /// 503: the database is not reachable (`Retry-After` says when to retry).
    case notReady = "not_ready"

    /// The status every response with this code has.
    public var status: HTTPResponse.Status {
        switch self {
        case .invalidJSON, .unknownField, .invalidField, .invalidTilePath, .malformedSignature, .missingComponent, .digestMismatch: .badRequest
        case .missingSignature, .unknownKey, .badSignature, .clockSkew, .expired, .replayedNonce: .unauthorized
        case .holderOnly, .partyOnly, .partyNotApproved, .notAttester, .invalidGrant, .invalidChallenge: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .notAcceptable: .notAcceptable
        case .conflict, .vaultUncalibrated, .vaultProfileMissing: .conflict
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .invalidEmbedding, .wrongDimension, .nonFinite, .zeroVector, .protocolRefused: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .internal: .internalServerError
        case .notReady: .serviceUnavailable
        }
    }
}
