public import SignetCore

/// The one error type of SignetLog. `==` compares only the code; the reason is for operators and
/// tests, never for deciding.
public typealias LogError = CodedError<LogErrorCode>

/// What went wrong in SignetLog, stable across releases.
public enum LogErrorCode: String, ErrorCode {
    /// A proof, tile or root hash did not verify (HTTP 400/422 at the server boundary).
    case verificationFailed = "verification_failed"
    /// A signed note or checkpoint is malformed or its signature does not verify.
    case invalidCheckpoint = "invalid_checkpoint"
    /// A tile path or index is malformed or not canonical (HTTP 400).
    case invalidTilePath = "invalid_tile_path"
    /// The requested tile, bundle, entry or size does not exist (HTTP 404).
    case notFound = "not_found"
    /// An entry is empty or larger than ``LogLimits/maxEntrySize`` (HTTP 413/400).
    case invalidEntry = "invalid_entry"
    /// A key file or verifier key is malformed.
    case invalidKey = "invalid_key"
    /// Stored data is inconsistent with the signed checkpoint: the log cannot be vouched for.
    case corrupted = "corrupted"
    /// An argument is out of range (for example an index beyond the tree).
    case invalidArgument = "invalid_argument"
    /// The sequencer is shut down and accepts no more entries.
    case unavailable = "unavailable"
}

/// Limits every part of the log enforces.
public enum LogLimits {
    /// The largest entry the log accepts, in bytes: entry bundles length-prefix entries with a
    /// big-endian uint16 (C2SP tlog-tiles), so 65,535 is a hard format limit.
    public static let maxEntrySize = 65_535
    /// Hashes in a full tile (tile height 8).
    public static let tileWidth = 256
}
