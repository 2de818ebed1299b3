public import Crypto
public import Foundation
import SignetCore
import SignetMarket
import Synchronization
public import SignetWatch

/// The watch inside the server: the detector, fed by every recorded event (it is an
/// ``EventObserver``) and by what never reaches the ledger (refused attempts, probe
/// fingerprints), and the findings waiting for ``SignetService/respondToWatch()``.
///
/// Detection is synchronous and cheap, in the recording workflow's task; the response
/// (ledger entries, alerts, the protocol's consequences, the webhook) runs apart, so a finding
/// never slows or fails the request that revealed it.
///
/// One instance sees only its own traffic: with several instances behind a load balancer each
/// runs its own detector, so a pattern split evenly across N instances needs N times the
/// evidence before one of them sees it. `signet watch` on the public log sees everything.
public final class Watch: EventObserver, Sendable {
    private let detector: Mutex<WatchDetector>
    private let pending = Mutex<[PendingFinding]>([])
    /// Parties whose admission time the detector knows.
    private let introduced = Mutex<Set<String>>([])
    /// Honey marks planted in the detector, so a reload adds only new ones.
    private let planted = Mutex<Set<[UInt8]>>([])
    /// When decoys drawn by enrollments are due to be planted.
    private let honeySchedule = Mutex<[Date]>([])
    private let honeyLoadedAt = Mutex<Date?>(nil)
    private let signal: AsyncStream<Void>.Continuation
    /// Yields whenever findings are waiting.
    let signals: AsyncStream<Void>
    /// Fingerprints probes under the server's watch key.
    public let fingerprinter: ProbeFingerprinter

    /// Creates a watch with `rules`, fingerprinting under `key`.
    public init(rules: WatchRules = WatchRules(), key: SymmetricKey) {
        detector = Mutex(WatchDetector(rules: rules))
        fingerprinter = ProbeFingerprinter(key: key)
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The detector's rules.
    public var rules: WatchRules { detector.withLock { $0.rules } }

    public func observe(_ event: RecordedEvent) async {
        switch event.event {
        case .use(let holder, let party, _, _, _):
            observe(Observation(.attempt, party: party.rawValue, subject: holder.rawValue, at: event.time))
        default:
            // Approvals are read from the party's record (``introduce(_:)``), which keeps the
            // first one: a re-approval after a suspension does not make a party new.
            break
        }
    }

    /// Sees one observation; findings wait for the responder.
    public func observe(_ observation: Observation) {
        let found = detector.withLock { $0.observe(observation) }
        guard !found.isEmpty else { return }
        pending.withLock { $0 += found.map { PendingFinding(finding: $0) } }
        signal.yield()
    }

    /// Tells the detector when a party it has not seen was admitted (from the party's record),
    /// so a party admitted before this process started is judged by its real age.
    func introduce(_ party: Party) {
        guard introduced.withLock({ $0.insert(party.id.rawValue).inserted }) else { return }
        // Approval is what admits a party; registration stands in only for parties approved
        // before the store kept the time (never later than the real approval).
        observe(Observation(.admitted, party: party.id.rawValue, at: party.approvedAt ?? party.registeredAt))
    }

    /// Plants honey marks in the detector (each once).
    func plant(_ marks: [[UInt8]]) {
        let new = planted.withLock { planted in marks.filter { planted.insert($0).inserted } }
        guard !new.isEmpty else { return }
        detector.withLock { detector in
            for mark in new { detector.plantHoney(mark) }
        }
    }

    /// When the honey marks were last loaded from the store (`nil`: never).
    var honeyLoaded: Date? {
        get { honeyLoadedAt.withLock { $0 } }
        set { honeyLoadedAt.withLock { $0 = newValue } }
    }

    /// Schedules one decoy to be planted at `date`.
    func scheduleHoney(at date: Date) {
        honeySchedule.withLock { $0.append(date) }
    }

    /// How many scheduled decoys are due at `now`; they leave the schedule.
    func takeDueHoney(at now: Date) -> Int {
        honeySchedule.withLock { schedule in
            let due = schedule.count { $0 <= now }
            schedule.removeAll { $0 <= now }
            return due
        }
    }

    /// The findings due for a response at `now` (new ones, and retries whose wait is over),
    /// oldest first; taking them removes them from the queue.
    func takeDue(at now: Date) -> [PendingFinding] {
        pending.withLock { queue in
            let due = queue.filter { $0.due <= now }
            queue.removeAll { $0.due <= now }
            return due
        }
    }

    /// Queues a finding again after a failed response.
    func retry(_ finding: PendingFinding) {
        pending.withLock { $0.append(finding) }
    }

    /// Findings waiting for a response.
    public var waiting: Int { pending.withLock(\.count) }

    /// Whether a queued finding is due at `now`.
    func hasDue(at now: Date) -> Bool {
        pending.withLock { queue in queue.contains { $0.due <= now } }
    }

    /// Wakes the responder.
    func wake() {
        signal.yield()
    }
}

/// A finding waiting for its response, and how far earlier attempts got: a retry picks up
/// where the failure stopped, so no `finding` entry is logged twice and no alert sent twice.
struct PendingFinding: Sendable {
    let finding: Finding
    /// The `finding` entries logged so far, one per party, in order.
    var ledgerIndices: [UInt64] = []
    /// Whether the finding and its alerts are stored.
    var stored = false
    /// Offers withdrawn whose `decline` entry is not written yet (each logged once, however
    /// many attempts it takes).
    var unloggedWithdrawals: [OnceEvent] = []
    /// Grants frozen and offers withdrawn so far, over every attempt.
    var grantsFrozen = 0
    var offersWithdrawn = 0
    /// Responses that failed so far.
    var failures = 0
    /// When the next attempt may run.
    var due = Date.distantPast
}
