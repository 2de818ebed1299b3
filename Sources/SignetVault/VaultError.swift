public import SignetCore

/// The single error type of SignetVault.
///
/// Deliberate: no reason ever contains embedding values, scores, codewords or key material, and
/// every kind of template mismatch is reported as ``VaultErrorCode/authenticationFailure``.
public typealias VaultError = CodedError<VaultErrorCode>

/// What went wrong, in a form callers can switch over.
public enum VaultErrorCode: String, ErrorCode, CaseIterable {
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

extension VaultError {
    /// The opaque authentication failure used for every kind of mismatch: a fixed reason, and
    /// no score or distance attached.
    public static func authenticationFailure(file: String = #fileID, line: Int = #line) -> VaultError {
        VaultError(.authenticationFailure, "authentication failed", file: file, line: line)
    }
}
