public import SignetCore

/// The one error type of SignetStore.
public typealias StoreError = CodedError<StoreErrorCode>

/// What went wrong opening or using a database.
public enum StoreErrorCode: String, ErrorCode {
    /// The database could not be opened or reached.
    case unavailable
    /// The configuration (path, URL) is unusable.
    case invalidConfiguration = "invalid_configuration"
    /// The database schema is newer than this build understands.
    case schemaTooNew = "schema_too_new"
    /// Another writer holds the log's lock for longer than the busy timeout.
    case busy
}
