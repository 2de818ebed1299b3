import SignetAuth
import Hummingbird
import SignetMarket
import SignetVault

/// The one place where domain errors become HTTP statuses and problem codes.
enum ErrorMapping {
    /// The problem for a request-signature failure; the code is stable, the detail generic.
    static func problem(for error: HTTPSignatureError) -> Problem {
        let status: HTTPResponse.Status
        let detail: String
        switch error.code {
        case .missingSignature: (status, detail) = (.unauthorized, "the request carries no Signature-Input/Signature pair labelled sig1")
        case .malformedSignature: (status, detail) = (.badRequest, "the request signature fields are malformed or unsupported")
        case .unknownKey: (status, detail) = (.unauthorized, "the signature's keyid names no registered key")
        case .badSignature: (status, detail) = (.unauthorized, "the request signature does not verify")
        case .clockSkew: (status, detail) = (.unauthorized, "the signature's created time is too far from the server's clock")
        case .expired: (status, detail) = (.unauthorized, "the signature has expired")
        case .replayedNonce: (status, detail) = (.unauthorized, "this nonce was already used with this key")
        case .missingComponent: (status, detail) = (.badRequest, "the signature must cover @method, @target-uri and, with a body, content-digest, with created, keyid and nonce")
        case .digestMismatch: (status, detail) = (.badRequest, "Content-Digest is missing or does not match the body")
        }
        return Problem(status, code: error.code.rawValue, detail: detail)
    }

    /// The problem for a vault error about a submitted embedding. Template-integrity failures
    /// are server faults and stay 500 (logged, never described to the caller); a non-matching
    /// probe is not an error at all (the answer says `match: false`).
    static func problem(for error: VaultError) -> Problem? {
        switch error.code {
        case .dimensionMismatch: Problem(.unprocessableContent, code: "wrong_dimension", detail: "the embedding does not have this deployment's dimension")
        case .nonFiniteValue: Problem(.unprocessableContent, code: "non_finite", detail: "the embedding contains a value that is not a finite 32-bit float")
        case .degenerateEmbedding: Problem(.unprocessableContent, code: "zero_vector", detail: "the embedding is the zero vector after centring")
        case .insufficientSamples, .invalidParameter, .malformedData: Problem(.unprocessableContent, code: "invalid_embedding", detail: "the embedding is not usable")
        case .authenticationFailure, .corruptTemplate, .truncatedTemplate, .unsupportedVersion, .preprocessorMismatch, .keyDerivationFailure: nil
        }
    }

    /// The problem for a market error.
    static func problem(for error: MarketError) -> Problem {
        switch error.code {
        case .conflict: Problem(.conflict, code: "conflict", detail: error.reason)
        case .notFound: Problem(.notFound, code: "not_found", detail: error.reason)
        case .invalidField: Problem(.badRequest, code: "invalid_field", detail: error.reason)
        }
    }
}
