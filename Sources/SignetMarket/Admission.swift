public import SignetCore
public import Foundation
public import SignetAuth

/// Names of the shared rate-limit buckets, one per party and one per template.
public enum RateBucket {
    /// The bucket charged for every verification attempt and challenge of a party.
    public static func party(_ partyID: String) -> String { "party:" + partyID }
    /// The bucket charged for every permitted verification attempt against a template.
    public static func template(_ templateID: TemplateID) -> String { "template:" + templateID.rawValue }
    /// The bucket charged for every registration from one network address.
    public static func registration(from address: String) -> String { "register:" + address }
    /// The bucket charged for every registration, whatever its address.
    public static let allRegistrations = "register:*"
    /// The bucket charged for every enrollment and renewal of a holder.
    public static func enrollment(_ holderID: String) -> String { "enroll:" + holderID }
    /// The bucket charged for every permission a holder creates.
    public static func permission(_ holderID: String) -> String { "permit:" + holderID }
}

/// One verification attempt, as the storage checks and charges it.
public struct VerificationAttempt: Sendable {
    /// SHA-256 of the permission token the party presents.
    public var tokenHash: [UInt8]
    /// The party asking.
    public var partyID: String
    /// The template it wants to verify against.
    public var templateID: TemplateID
    /// Device mode: the challenge the permission must carry, unexpired; `nil` in probe mode.
    public var challengeID: String?
    /// The party's bucket rate.
    public var partyRate: RateLimit
    /// The template's bucket rate.
    public var templateRate: RateLimit
    /// The time of the attempt.
    public var now: Date

    /// Creates an attempt.
    public init(tokenHash: [UInt8], partyID: String, templateID: TemplateID, challengeID: String? = nil,
                partyRate: RateLimit, templateRate: RateLimit, now: Date) {
        self.tokenHash = tokenHash
        self.partyID = partyID
        self.templateID = templateID
        self.challengeID = challengeID
        self.partyRate = partyRate
        self.templateRate = templateRate
        self.now = now
    }
}

/// What ``VerificationAdmission/admit(_:)`` decided.
public enum Admission: Sendable, Equatable {
    /// The permission was spent and both buckets charged; in device mode with the challenge's nonce.
    case admitted(Grant, challengeNonce: [UInt8]?)
    /// The party's bucket is empty; nothing else happened. The next token is due in `retryAfter` seconds.
    case partyLimited(retryAfter: TimeInterval)
    /// No unused, unexpired permission (carrying the unexpired challenge, in device mode) of this
    /// party for this template; the party's bucket was charged, nothing else.
    case refused
    /// The template's bucket is empty; the party's bucket was charged and the permission is left
    /// unspent, so the attempt can be repeated once a token is due (`retryAfter` seconds).
    case templateLimited(retryAfter: TimeInterval)
}

/// Admits verification attempts: the rate limits and the one-time permission of an attempt,
/// decided and charged in one transaction.
///
/// Why one step: the party's bucket, the permission and the template's bucket used to be three
/// commits, each a wait on the database; as one they are one wait, and no crash can leave a
/// permission spent without its attempt (or the reverse).
public protocol VerificationAdmission: Sendable {
    /// In order: takes a token from the party's bucket (``RateBucket/party(_:)``), spends the
    /// permission, takes a token from the template's bucket (``RateBucket/template(_:)``).
    /// Stops at the first that fails, as ``Admission`` describes; atomic against concurrent
    /// attempts on every instance sharing the database.
    func admit(_ attempt: VerificationAttempt) async throws -> Admission
}
