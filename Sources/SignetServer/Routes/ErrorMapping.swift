import Hummingbird
import SignetAuth
import SignetService
import SignetCore

/// The one place where errors of the layers below become problem responses.
enum ErrorMapping {
    /// The problem for a request-signature failure; the code is stable, the detail generic.
    static func problem(for error: HTTPSignatureError) -> Problem {
        switch error.code {
        case .missingSignature: Problem(.missingSignature, detail: "the request carries no Signature-Input/Signature pair labelled sig1")
        case .malformedSignature: Problem(.malformedSignature, detail: "the request signature fields are malformed or unsupported")
        case .unknownKey: Problem(.unknownKey, detail: "the signature's keyid names no registered key, or a principal whose key was revoked")
        case .badSignature: Problem(.badSignature, detail: "the request signature does not verify")
        case .clockSkew: Problem(.clockSkew, detail: "the signature's created time is too far from the server's clock")
        case .expired: Problem(.expired, detail: "the signature has expired")
        case .replayedNonce: Problem(.replayedNonce, detail: "this nonce was already used with this key")
        case .missingComponent: Problem(.missingComponent, detail: "the signature must cover @method, @target-uri and, with a body, content-digest, with created, keyid and nonce")
        case .digestMismatch: Problem(.digestMismatch, detail: "Content-Digest is missing or does not match the body")
        }
    }

    /// The problem for a workflow's error; `nil` for the operator-facing and server-fault codes,
    /// which become a generic 500 (logged, never described to the caller).
    ///
    /// Every client-facing ``ServiceErrorCode`` has the same raw value as its ``ProblemCode``,
    /// and the operator-facing ones (`configuration`, `untrusted_log`, `corrupt_record`) have
    /// none; a test holds every code to this, so the mapping is by name.
    static func problem(for error: ServiceError) -> Problem? {
        guard let code = ProblemCode(rawValue: error.code.rawValue) else { return nil }
        return Problem(code, detail: error.reason, retryAfter: error.retryAfter.map(retryAfterSeconds))
    }

    /// Whole seconds for `Retry-After`: at least 1, at most a day, and never a trap, whatever a
    /// rate computed (a bucket refilling at a tiny rate can need an infinite wait).
    static func retryAfterSeconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 1 else { return seconds.isNaN || seconds <= 1 ? 1 : 86_400 }
        return Int(exactly: min(seconds, 86_400).rounded(.up)) ?? 86_400
    }
}
