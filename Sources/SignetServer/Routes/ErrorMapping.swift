import Hummingbird
import SignetAuth
import SignetService

/// The one place where errors of the layers below become problem responses.
enum ErrorMapping {
    /// The problem for a request-signature failure; the code is stable, the detail generic.
    static func problem(for error: HTTPSignatureError) -> Problem {
        switch error.code {
        case .missingSignature: Problem(.missingSignature, detail: "the request carries no Signature-Input/Signature pair labelled sig1")
        case .malformedSignature: Problem(.malformedSignature, detail: "the request signature fields are malformed or unsupported")
        case .unknownKey: Problem(.unknownKey, detail: "the signature's keyid names no registered key")
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
    static func problem(for error: ServiceError) -> Problem? {
        let code: ProblemCode
        switch error.code {
        case .notFound: code = .notFound
        case .conflict: code = .conflict
        case .invalidField: code = .invalidField
        case .holderOnly: code = .holderOnly
        case .partyOnly: code = .partyOnly
        case .partyNotApproved: code = .partyNotApproved
        case .invalidPermission: code = .invalidPermission
        case .invalidChallenge: code = .invalidChallenge
        case .wrongDimension: code = .wrongDimension
        case .nonFinite: code = .nonFinite
        case .zeroVector: code = .zeroVector
        case .invalidEmbedding: code = .invalidEmbedding
        case .rateLimited:
            return Problem(.rateLimited, detail: error.reason, retryAfter: error.retryAfter.map { Int($0.rounded(.up)) } ?? 1)
        case .configuration, .untrustedLog, .corruptRecord: return nil
        }
        return Problem(code, detail: error.reason)
    }
}
