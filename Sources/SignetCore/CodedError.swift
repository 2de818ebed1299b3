/// One way an operation can fail, named by a stable string that callers may switch over and
/// that never changes between releases.
public protocol ErrorCode: RawRepresentable, Sendable, Hashable where RawValue == String {}

/// The one error shape every Signet module shares: a stable code, a reason for people, and
/// where it was raised.
///
/// Each module names its own instance (`LogError`, `VaultError`, `ServiceError`, …) as a type
/// alias over its own code enum, so a caller of one module can only meet that module's codes,
/// while all of them read, compare and print alike. `==` compares codes only, as
/// swift-certificates' `CertificateError` does: tests and callers decide on what went wrong,
/// never on wording. A reason never holds a secret, an embedding, a template or a stable holder
/// identifier, because reasons reach logs and the CLI.
public struct CodedError<Code: ErrorCode>: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let code: Code
    /// One sentence for the caller or operator.
    public let reason: String
    /// When a later attempt can succeed, in seconds (rate limits); `nil` when that is unknown.
    public let retryAfter: Double?
    /// The file that raised the error, for diagnostics.
    public let file: String
    /// The line that raised the error, for diagnostics.
    public let line: Int

    /// Creates an error raised at the caller's location.
    public init(_ code: Code, _ reason: String, retryAfter: Double? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.retryAfter = retryAfter
        self.file = file
        self.line = line
    }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }
}
