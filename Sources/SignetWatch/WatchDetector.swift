public import Foundation

/// The watch's rules over a stream of observations, in time order.
///
/// A value: the server keeps one under a lock (``Watch``), `signet watch` one per log it
/// follows, `signet simulate` one per run. Every step is O(1) amortised in the events of the
/// window (the ring's holder counts are kept incrementally), so the detector keeps up with the
/// ledger's append rate.
public struct WatchDetector: Sendable {
    /// The thresholds.
    public let rules: WatchRules

    private var parties: [String: PartyState] = [:]
    /// Attempts by new parties within the window, oldest first: the auction rule's evidence.
    private var newPartyAttempts = SlidingWindow<(time: Date, party: String, subject: String)>()
    /// How often each holder appears in ``newPartyAttempts``.
    private var ringHolders: [String: Int] = [:]
    private var probes: ProbeIndex
    private var honey: ProbeIndex
    /// Stands in for an unknown holder: every such attempt is its own subject.
    private var anonymous = 0

    /// Creates a detector with no history.
    public init(rules: WatchRules = WatchRules()) {
        self.rules = rules
        probes = ProbeIndex(capacity: rules.rememberedProbes)
        honey = ProbeIndex(capacity: Int(Int32.max))
    }

    /// Plants a honey mark: the fingerprint of a decoy template's sample. Any probe near it
    /// proves the template store leaked.
    public mutating func plantHoney(_ fingerprint: [UInt8]) {
        honey.insert(.init(fingerprint: fingerprint, party: "", subject: nil, time: .distantPast))
    }

    /// Sees one observation; returns what it found.
    public mutating func observe(_ observation: Observation) -> [Finding] {
        let time = observation.time
        let party = observation.party
        forgetAttempts(before: time.addingTimeInterval(-rules.window))
        var state = parties[party] ?? PartyState()
        defer { parties[party] = state }
        switch observation.kind {
        case .admitted:
            state.admittedAt = time
            return []
        case .probe(let fingerprint):
            return probeFindings(fingerprint, observation, &state)
        case .refused:
            state.refusals.append(time)
            state.refusals.drop { $0 < time.addingTimeInterval(-rules.window) }
            guard state.refusals.count >= rules.unconsentedAttempts, state.mayRaise(.unconsented, at: time, cooldown: rules.cooldown) else {
                return []
            }
            return [Finding(rule: .unconsented, time: time, parties: [party], holders: observation.subject.map { [$0] } ?? [],
                            summary: "\(state.refusals.count) verification attempts without valid consent within \(Int(rules.window)) seconds")]
        case .attempt:
            let subject = observation.subject ?? nextAnonymous()
            var found: [Finding] = []
            if let burst = burstFinding(observation, &state) { found.append(burst) }
            // A party named in an auction is dealt with: its attempts no longer count towards
            // another ring (they would make honest newcomers beside it look like members).
            if state.isNew(at: time, age: rules.newPartyAge), !state.inRing {
                newPartyAttempts.append((time, party, subject))
                ringHolders[subject, default: 0] += 1
                state.holders[subject, default: 0] += 1
                state.pace.append(time)
                state.pace.drop { $0 < time.addingTimeInterval(-rules.ringPace) }
                parties[party] = state
                if let auction = auctionFinding(at: time) {
                    found.append(auction)
                    state = parties[party] ?? state
                }
            }
            return found
        }
    }

    // MARK: - Rules

    /// A burst: this bucket's attempts far above the party's own moving average.
    private func burstFinding(_ observation: Observation, _ state: inout PartyState) -> Finding? {
        let time = observation.time
        let start = state.bucketStart ?? time
        let elapsed = Int(time.timeIntervalSince(start) / rules.burstBucket)
        if elapsed > 0 {
            // Close the bucket, and fold in the empty ones since.
            state.baseline = state.baseline * (1 - rules.baselineWeight) + Double(state.bucketCount) * rules.baselineWeight
            let empty = min(elapsed - 1, 10_000)
            state.baseline *= pow(1 - rules.baselineWeight, Double(empty))
            state.buckets += elapsed
            state.bucketCount = 0
            state.bucketStart = start.addingTimeInterval(Double(elapsed) * rules.burstBucket)
        } else if state.bucketStart == nil {
            state.bucketStart = time
        }
        state.bucketCount += 1
        let threshold = max(Double(rules.burstMinimum), rules.burstFactor * state.baseline)
        guard state.buckets >= rules.burstHistory, Double(state.bucketCount) >= threshold,
              state.mayRaise(.burst, at: time, cooldown: rules.cooldown) else { return nil }
        return Finding(rule: .burst, time: time, parties: [observation.party], holders: observation.subject.map { [$0] } ?? [],
                       summary: "\(state.bucketCount) attempts within \(Int(rules.burstBucket)) seconds against a baseline of \(String(format: "%.1f", state.baseline))")
    }

    /// The auction: new parties together touching many holders within the window. The ring is
    /// every new party that touched a few of them at a ring's pace (``WatchRules/ringPace``:
    /// an honest newcomer touches a few holders a minute, not several in seconds); it is named
    /// once per cooldown.
    private mutating func auctionFinding(at time: Date) -> Finding? {
        guard ringHolders.count >= rules.auctionHolders else { return nil }
        // A party's pace window is trimmed only when it acts: count what is still within it.
        let paceStart = time.addingTimeInterval(-rules.ringPace)
        let ring = parties.filter {
            $0.value.holders.count >= rules.ringMemberHolders && $0.value.pace.elements.filter { $0 >= paceStart }.count >= rules.ringPaceAttempts
                && $0.value.isNew(at: time, age: rules.newPartyAge)
        }.keys.filter { parties[$0]?.mayRaise(.auction, at: time, cooldown: rules.cooldown, commit: false) == true }
        guard !ring.isEmpty else { return nil }
        let touched = ringHolders.count
        for member in ring {
            _ = parties[member]?.mayRaise(.auction, at: time, cooldown: rules.cooldown)
            parties[member]?.inRing = true
            parties[member]?.holders = [:]
        }
        let members = Set(ring)
        // Only the members' holders are told: others in the window were touched by honest newcomers.
        var holders = Set<String>()
        for attempt in newPartyAttempts.removeAll(where: { members.contains($0.party) }) {
            Self.decrement(&ringHolders, attempt.subject)
            if !attempt.subject.hasPrefix(Self.anonymousPrefix) { holders.insert(attempt.subject) }
        }
        return Finding(rule: .auction, time: time, parties: ring, holders: Array(holders),
                       summary: "\(ring.count) new part\(ring.count == 1 ? "y" : "ies") touched \(touched) holders within \(Int(rules.window)) seconds")
    }

    /// A replay (a near copy of an earlier probe, not a retry) or a honey mark.
    private mutating func probeFindings(_ fingerprint: [UInt8], _ observation: Observation, _ state: inout PartyState) -> [Finding] {
        let time = observation.time
        var found: [Finding] = []
        if honey.nearest(fingerprint, within: rules.replayDistance) != nil, state.mayRaise(.honey, at: time, cooldown: rules.cooldown) {
            found.append(Finding(rule: .honey, time: time, parties: [observation.party], holders: observation.subject.map { [$0] } ?? [],
                                 summary: "a probe matched a honey template's decoy sample: the template store leaked"))
        }
        if let (earlier, distance) = probes.nearest(fingerprint, within: rules.replayDistance) {
            // The same party on the same holder is a client's retry or a holder reusing a sample with
            // it: never grounds to suspend the party. A copy on another holder or by another party is.
            let retry = earlier.party == observation.party && earlier.subject == observation.subject
            if !retry, state.mayRaise(.replay, at: time, cooldown: rules.cooldown) {
                let holders = Set([earlier.subject, observation.subject].compactMap { $0 })
                // Only the party presenting the copy is named: the earlier one may be the victim
                // whose traffic was copied. Both holders are told.
                found.append(Finding(rule: .replay, time: time, parties: [observation.party], holders: Array(holders),
                                     summary: distance == 0 ? "a probe bit-identical to an earlier one" : "a probe within \(distance) of \(ProbeFingerprinter.bits) fingerprint bits of an earlier one"))
            }
        }
        probes.insert(.init(fingerprint: fingerprint, party: observation.party, subject: observation.subject, time: time))
        return found
    }

    // MARK: - Windows

    /// Drops new parties' attempts older than `cutoff` from the ring's counts.
    private mutating func forgetAttempts(before cutoff: Date) {
        while let oldest = newPartyAttempts.first, oldest.time < cutoff {
            newPartyAttempts.removeFirst()
            Self.decrement(&ringHolders, oldest.subject)
            if var state = parties[oldest.party] {
                Self.decrement(&state.holders, oldest.subject)
                parties[oldest.party] = state
            }
        }
    }

    private static func decrement(_ counts: inout [String: Int], _ key: String) {
        guard let count = counts[key] else { return }
        counts[key] = count > 1 ? count - 1 : nil
    }

    private static let anonymousPrefix = "\u{0}anonymous-"

    private mutating func nextAnonymous() -> String {
        anonymous += 1
        return Self.anonymousPrefix + String(anonymous)
    }
}

/// What the detector remembers of one party.
private struct PartyState: Sendable {
    /// When the operator admitted it; `nil` when before the watch began (established).
    var admittedAt: Date?
    var refusals = SlidingWindow<Date>()
    /// Holders it touched within the window, while it is new.
    var holders: [String: Int] = [:]
    /// Whether an auction finding named it.
    var inRing = false
    /// Its attempts within ``WatchRules/ringPace``, while it is new.
    var pace = SlidingWindow<Date>()
    var bucketStart: Date?
    var bucketCount = 0
    var buckets = 0
    var baseline = 0.0
    var lastRaised: [Finding.Rule: Date] = [:]

    func isNew(at time: Date, age: TimeInterval) -> Bool {
        guard let admittedAt else { return false }
        return time.timeIntervalSince(admittedAt) < age
    }

    /// Whether `rule` may be raised about this party now; records it unless `commit` is false.
    mutating func mayRaise(_ rule: Finding.Rule, at time: Date, cooldown: TimeInterval, commit: Bool = true) -> Bool {
        if let last = lastRaised[rule], time.timeIntervalSince(last) < cooldown { return false }
        if commit { lastRaised[rule] = time }
        return true
    }
}

/// A queue that drops from the front in amortised O(1).
struct SlidingWindow<Element: Sendable>: Sendable {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var elements: ArraySlice<Element> { storage[head...] }
    var first: Element? { head < storage.count ? storage[head] : nil }

    mutating func append(_ element: Element) { storage.append(element) }

    @discardableResult
    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head > 1024, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes every element matching `condition`, keeping the order of the rest; returns the removed ones.
    mutating func removeAll(where condition: (Element) -> Bool) -> [Element] {
        var removed: [Element] = []
        var kept: [Element] = []
        for element in storage[head...] {
            if condition(element) { removed.append(element) } else { kept.append(element) }
        }
        storage = kept
        head = 0
        return removed
    }

    /// Drops elements from the front while `isOld` holds.
    mutating func drop(while isOld: (Element) -> Bool) {
        while let first, isOld(first) { removeFirst() }
    }
}
