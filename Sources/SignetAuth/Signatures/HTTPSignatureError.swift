/// The one error type of HTTP message signatures and content digests.
///
/// Two errors are equal when their codes are equal; the reason is for operators and tests and
/// is deliberately not public, so it cannot leak into a response.
public struct HTTPSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong. The server maps each code to a status in one place.
    public enum Code: String, Sendable, Hashable {
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

    /// The stable error code.
    public let code: Code
    /// A sentence for operators and tests; never sent to a client.
    let reason: String
    let file: String
    let line: Int

    init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// Compares codes only.
    public static func == (lhs: HTTPSignatureError, rhs: HTTPSignatureError) -> Bool { lhs.code == rhs.code }

    /// The code alone, so that logging an error never prints request details.
    public var description: String { "HTTPSignatureError(\(code.rawValue))" }
}

extension HTTPSignatureError {
    static func missingSignature(_ reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.missingSignature, reason, file: file, line: line)
    }
    static func malformedSignature(_ reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.malformedSignature, reason, file: file, line: line)
    }
    static func missingComponent(_ reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.missingComponent, reason, file: file, line: line)
    }
    static func digestMismatch(_ reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.digestMismatch, reason, file: file, line: line)
    }
    /// Deliberate: one fixed reason, so no detail of a cryptographic failure survives even in logs.
    static func badSignature(file: String = #fileID, line: Int = #line) -> Self {
        Self(.badSignature, "signature does not verify", file: file, line: line)
    }
}
