public import Foundation

/// The watch's thresholds. The defaults were tuned on `signet simulate auction` (honest
/// parties with their own rhythms, a thief's ring), for zero false alarms there.
public struct WatchRules: Sendable, Equatable {
    /// The sliding window of the unconsented and auction rules, seconds.
    public var window: TimeInterval = 60
    /// Refused attempts by one party within the window that make a finding.
    public var unconsentedAttempts = 8
    /// Distinct holders that new parties together touch within the window to make an auction.
    public var auctionHolders = 20
    /// Distinct holders a new party must touch within the window to be named in the ring.
    public var ringMemberHolders = 3
    /// A ring member's pace: at least ``ringPaceAttempts`` attempts within this many seconds.
    public var ringPace: TimeInterval = 5
    /// See ``ringPace``.
    public var ringPaceAttempts = 3
    /// How long after its admission a party counts as new, seconds. Parties admitted before
    /// the watch started count as established.
    public var newPartyAge: TimeInterval = 7 * 86_400
    /// The width of a burst bucket, seconds.
    public var burstBucket: TimeInterval = 10
    /// How many times its baseline a party's bucket must reach to be a burst.
    public var burstFactor = 8.0
    /// The fewest attempts in one bucket that can be a burst (small numbers are noise).
    public var burstMinimum = 40
    /// Buckets of a party's history before its baseline counts.
    public var burstHistory = 30
    /// The weight of the newest bucket in the baseline (an exponential moving average).
    public var baselineWeight = 0.05
    /// The largest Hamming distance, in bits of ``ProbeFingerprinter/bits``, at which a probe
    /// is a replay of an earlier one.
    public var replayDistance = 12
    /// Probes remembered for replays (two generations of half each; the oldest go first).
    public var rememberedProbes = 200_000
    /// After a finding, the same rule is not raised again about the same party for this long.
    public var cooldown: TimeInterval = 600

    /// The defaults.
    public init() {}
}
