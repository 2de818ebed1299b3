/// The single error type of SignetVault.
///
/// Two errors are equal when their codes are equal; the reason and source location are for
/// diagnostics only. Deliberate: no reason ever contains embedding values, scores, codewords or
/// key material, and every kind of template mismatch is reported as ``Code/authenticationFailure``.
public struct VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in a form callers can switch over.
    public enum Code: String, Sendable, CaseIterable {
        /// An embedding or template has the wrong dimension for this deployment (HTTP 422).
        case dimensionMismatch
        /// An embedding contains NaN or an infinity (HTTP 422).
        case nonFiniteValue
        /// An embedding is (numerically) the zero vector after centring (HTTP 422).
        case degenerateEmbedding
        /// A scheme, KDF or preprocessing parameter is out of range (HTTP 400).
        case invalidParameter
        /// Fewer samples than required were supplied (HTTP 422).
        case insufficientSamples
        /// A stored template failed its integrity check or has inconsistent fields (HTTP 500; never a crash).
        case corruptTemplate
        /// A stored template is shorter than its header says (HTTP 500; never a crash).
        case truncatedTemplate
        /// A stored template uses a format or scheme version this build does not support (HTTP 500).
        case unsupportedVersion
        /// A template was enrolled under different preprocessing data (population mean) (HTTP 500).
        case preprocessorMismatch
        /// The probe does not unlock the template. Opaque: no score or distance is ever attached (HTTP 401).
        case authenticationFailure
        /// The key derivation function failed (HTTP 500).
        case keyDerivationFailure
        /// Input data (CSV, mean file) is malformed (CLI input error).
        case malformedData
    }

    /// The machine-readable error code.
    public let code: Code
    /// A human sentence for diagnostics; never contains biometric data.
    public let reason: String
    /// Source location of the throw site.
    public let file: String
    /// Source line of the throw site.
    public let line: Int

    /// Creates an error.
    /// - Parameters:
    ///   - code: The machine-readable code.
    ///   - reason: A human sentence without biometric data.
    ///   - file: Defaults to the caller's file.
    ///   - line: Defaults to the caller's line.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The opaque authentication failure used for every kind of mismatch.
    /// - Returns: An error with code ``Code/authenticationFailure`` and a fixed reason.
    public static func authenticationFailure(file: String = #fileID, line: Int = #line) -> VaultError {
        VaultError(.authenticationFailure, "authentication failed", file: file, line: line)
    }

    /// Compares codes only.
    public static func == (lhs: VaultError, rhs: VaultError) -> Bool { lhs.code == rhs.code }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }
}
