public import SignetCore

/// The one error type of SignetMarket.
public typealias MarketError = CodedError<MarketErrorCode>

/// What went wrong in SignetMarket; the server maps each code to one HTTP status.
public enum MarketErrorCode: String, ErrorCode {
    /// The key (or name) is already registered (409).
    case conflict
    /// The holder or party does not exist (404).
    case notFound = "not_found"
    /// A field is out of range or malformed (400).
    case invalidField = "invalid_field"
}
