public import SignetCore

/// The one error type of HTTP message signatures and content digests.
///
/// The server answers with the code alone: a reason may quote a label or component name the
/// client sent, so it stays in diagnostics.
public typealias HTTPSignatureError = CodedError<HTTPSignatureErrorCode>

/// What went wrong. The server maps each code to a status in one place.
public enum HTTPSignatureErrorCode: String, ErrorCode {
    /// No `Signature-Input` / `Signature` pair for the expected label (401).
    case missingSignature = "missing_signature"
    /// A signature field, parameter or component identifier is malformed, unsupported or too large (400).
    case malformedSignature = "malformed_signature"
    /// The `keyid` names no key the caller knows (401).
    case unknownKey = "unknown_key"
    /// The signature does not verify. Deliberately the only code for every cryptographic failure (401).
    case badSignature = "bad_signature"
    /// `created` is too far from the verifier's clock (401).
    case clockSkew = "clock_skew"
    /// `expires` has passed (401).
    case expired
    /// The nonce was already used with this key (401).
    case replayedNonce = "replayed_nonce"
    /// A component or signature parameter that policy requires is not covered, or a covered
    /// component is absent from the message (400).
    case missingComponent = "missing_component"
    /// `Content-Digest` is missing, malformed, lacks `sha-256`, or does not match the body (400).
    case digestMismatch = "digest_mismatch"
}

extension HTTPSignatureError {
    /// Deliberate: one fixed reason, so no detail of a cryptographic failure survives even in logs.
    static func badSignature(file: String = #fileID, line: Int = #line) -> Self {
        Self(.badSignature, "signature does not verify", file: file, line: line)
    }
}
