/// The one error type of SignetLog.
///
/// `==` compares only ``code``; the reason is for operators and tests, never for deciding.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable across releases.
    public enum Code: String, Sendable {
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

    /// The stable error code.
    public let code: Code
    /// A human-readable sentence explaining the failure.
    public let reason: String
    /// Where the error was raised.
    public let location: String

    init(_ code: Code, _ reason: String, fileID: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.location = "\(fileID):\(line)"
    }

    public static func == (lhs: LogError, rhs: LogError) -> Bool { lhs.code == rhs.code }

    public var description: String { reason }

    static func verificationFailed(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.verificationFailed, reason, fileID: fileID, line: line)
    }
    static func invalidTilePath(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.invalidTilePath, reason, fileID: fileID, line: line)
    }
    static func notFound(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.notFound, reason, fileID: fileID, line: line)
    }
    static func invalidCheckpoint(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.invalidCheckpoint, reason, fileID: fileID, line: line)
    }
}

/// Public factories for storage backends and tools outside SignetLog.
extension LogError {
    /// A stored log that does not match its signed checkpoint.
    public static func corrupted(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.corrupted, reason, fileID: fileID, line: line)
    }
    /// Something that does not exist (tile, entry, size).
    public static func missing(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.notFound, reason, fileID: fileID, line: line)
    }
    /// An entry that is empty or too large.
    public static func invalidEntry(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.invalidEntry, reason, fileID: fileID, line: line)
    }
    /// An argument out of range.
    public static func invalidArgument(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.invalidArgument, reason, fileID: fileID, line: line)
    }
    /// A malformed key.
    public static func invalidKey(_ reason: String, fileID: String = #fileID, line: Int = #line) -> LogError {
        LogError(.invalidKey, reason, fileID: fileID, line: line)
    }
}

/// Limits every part of the log enforces.
public enum LogLimits {
    /// The largest entry the log accepts, in bytes: entry bundles length-prefix entries with a
    /// big-endian uint16 (C2SP tlog-tiles), so 65,535 is a hard format limit.
    public static let maxEntrySize = 65_535
    /// Hashes in a full tile (tile height 8).
    public static let tileWidth = 256
}
