public import SignetCore

/// The one error type of SignetService: what a workflow could not do, with a stable code.
///
/// The server maps each code to one HTTP status and problem code (SignetServer's
/// `ErrorMapping`); the CLI prints the reason. For ``ServiceErrorCode/rateLimited`` the error's
/// `retryAfter` says when to retry.
public typealias ServiceError = CodedError<ServiceErrorCode>

/// What a workflow could not do.
public enum ServiceErrorCode: String, ErrorCode, CaseIterable {
    /// Configuration or data-directory problem found at start (operator-facing).
    case configuration
    /// The stored log failed its integrity check; the server refuses to serve it (operator-facing).
    case untrustedLog = "untrusted_log"
    /// The holder, party or template does not exist, or is not the caller's to see.
    case notFound = "not_found"
    /// The key is already registered.
    case conflict
    /// The server has no vault profile, so it enrolls nothing; the reason names the command to run.
    case vaultUncalibrated = "vault_uncalibrated"
    /// The template was enrolled under a vault profile this server has not loaded.
    case vaultProfileMissing = "vault_profile_missing"
    /// A field is out of range or malformed.
    case invalidField = "invalid_field"
    /// Only a holder may do this.
    case holderOnly = "holder_only"
    /// Only a registered party may do this.
    case partyOnly = "party_only"
    /// The party is registered but not (or no longer) approved by the operator.
    case partyNotApproved = "party_not_approved"
    /// The party is not an attester (403).
    case notAttester = "not_attester"
    /// The trust protocol refused the offer; the reason names every rule that refused it.
    case protocolRefused = "protocol_refused"
    /// A rate limit refused the attempt; ``ServiceError/retryAfter`` says when to retry.
    case rateLimited = "rate_limited"
    /// No unused, unexpired permission of this holder for this party and template.
    case invalidGrant = "invalid_grant"
    /// The permission carries no such unexpired challenge.
    case invalidChallenge = "invalid_challenge"
    /// The embedding does not have the deployment's dimension.
    case wrongDimension = "wrong_dimension"
    /// The embedding holds a value that is not a finite 32-bit float.
    case nonFinite = "non_finite"
    /// The embedding is the zero vector after centring.
    case zeroVector = "zero_vector"
    /// The embedding is not usable otherwise.
    case invalidEmbedding = "invalid_embedding"
    /// A stored record is unusable: a server fault, never the caller's.
    case corruptRecord = "corrupt_record"
}
