public import Foundation

/// One thing the watch sees: a party's attempt on a holder, a refused attempt, a probe's
/// fingerprint, or a party's admission.
///
/// Inside the server, `subject` is the holder the attempt touched. An outside auditor reading
/// the public log cannot link two entries to one holder (each has a fresh pseudonym), so there
/// every attempt is its own subject (`nil`): holder counts become upper bounds.
public struct Observation: Sendable, Equatable {
    /// What was seen.
    public enum Kind: Sendable, Equatable {
        /// A verification under a valid grant (a `use` entry).
        case attempt
        /// A verification refused for want of consent: no valid grant, another party's token,
        /// out of scope, revoked, expired.
        case refused
        /// A probe the party sent, by its keyed fingerprint (``ProbeFingerprinter``).
        case probe(fingerprint: [UInt8])
        /// The operator admitted (approved) the party: from now on it is a new party for
        /// ``WatchRules/newPartyAge``.
        case admitted
    }

    /// What was seen.
    public var kind: Kind
    /// When.
    public var time: Date
    /// The party.
    public var party: String
    /// The holder touched, when known (inside the server only).
    public var subject: String?

    /// Creates an observation.
    public init(_ kind: Kind, party: String, subject: String? = nil, at time: Date) {
        self.kind = kind
        self.time = time
        self.party = party
        self.subject = subject
    }
}
