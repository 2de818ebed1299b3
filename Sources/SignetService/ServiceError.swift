public import Foundation

/// The one error type of SignetService: what a workflow could not do, with a stable code.
///
/// The server maps each code to one HTTP status and problem code (SignetServer's
/// `ErrorMapping`); the CLI prints ``reason``. `==` compares codes only, as swift-certificates'
/// `CertificateError` does, so tests match on what went wrong, not on wording.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, CaseIterable {
        /// Configuration or data-directory problem found at start (operator-facing).
        case configuration
        /// The stored log failed its integrity check; the server refuses to serve it (operator-facing).
        case untrustedLog = "untrusted_log"
        /// The holder, party or template does not exist, or is not the caller's to see.
        case notFound = "not_found"
        /// The key is already registered.
        case conflict
        /// A field is out of range or malformed.
        case invalidField = "invalid_field"
        /// Only a holder may do this.
        case holderOnly = "holder_only"
        /// Only a registered party may do this.
        case partyOnly = "party_only"
        /// The party is registered but not (or no longer) approved by the operator.
        case partyNotApproved = "party_not_approved"
        /// A rate limit refused the attempt; ``ServiceError/retryAfter`` says when to retry.
        case rateLimited = "rate_limited"
        /// No unused, unexpired permission of this holder for this party and template.
        case invalidPermission = "invalid_permission"
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

    /// The stable code.
    public let code: Code
    /// One sentence for the caller (or, for the operator-facing codes, the operator). It never
    /// holds a secret, an embedding or a stable holder identifier.
    public let reason: String
    /// For ``Code/rateLimited``: seconds until an attempt can succeed.
    public let retryAfter: TimeInterval?
    /// Where the error was made, for diagnostics.
    public let file: String
    /// Where the error was made, for diagnostics.
    public let line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, retryAfter: TimeInterval? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.retryAfter = retryAfter
        self.file = file
        self.line = line
    }

    public static func == (lhs: ServiceError, rhs: ServiceError) -> Bool { lhs.code == rhs.code }
    public var description: String { reason }
}
