import Crypto
import Foundation
import SignetWatch
import Testing

/// The watch's rules on hand-made streams: each fires on its pattern and stays quiet on the
/// honest shapes next to it.
struct WatchDetectorTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let fingerprinter = ProbeFingerprinter(key: SymmetricKey(data: [UInt8](repeating: 7, count: 32)))

    /// A deterministic unit vector.
    static func face(_ seed: Int, dimension: Int = 128) -> [Float] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        let raw = (0..<dimension).map { _ -> Float in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(Double(state % 20_000) / 10_000 - 1)
        }
        let norm = sqrt(raw.reduce(0) { $0 + $1 * $1 })
        return raw.map { $0 / norm }
    }

    /// `face` moved by `amount` towards another face, renormalised.
    static func nudge(_ face: [Float], by amount: Float, seed: Int) -> [Float] {
        let other = Self.face(seed, dimension: face.count)
        let mixed = zip(face, other).map { $0 + amount * $1 }
        let norm = sqrt(mixed.reduce(0) { $0 + $1 * $1 })
        return mixed.map { $0 / norm }
    }

    @Test func fingerprintsAreKeyedAndLocalitySensitive() {
        let face = Self.face(1)
        let fingerprint = Self.fingerprinter.fingerprint(face)
        #expect(fingerprint.count == 32 && Self.fingerprinter.fingerprint(face) == fingerprint)
        #expect(ProbeFingerprinter.distance(fingerprint, Self.fingerprinter.fingerprint(Self.nudge(face, by: 0.01, seed: 9))) <= 6)
        // Two samples of one face some 25 degrees apart, and two different faces: far apart.
        #expect(ProbeFingerprinter.distance(fingerprint, Self.fingerprinter.fingerprint(Self.nudge(face, by: 0.45, seed: 9))) > 20)
        #expect(ProbeFingerprinter.distance(fingerprint, Self.fingerprinter.fingerprint(Self.face(2))) > 80)
        let otherKey = ProbeFingerprinter(key: SymmetricKey(data: [UInt8](repeating: 8, count: 32)))
        #expect(ProbeFingerprinter.distance(fingerprint, otherKey.fingerprint(face)) > 80)
    }

    @Test func aCopiedProbeIsAReplayButARetryIsNot() {
        var detector = WatchDetector()
        let probe = Self.fingerprinter.fingerprint(Self.face(1))
        #expect(detector.observe(Observation(.probe(fingerprint: probe), party: "p_shop", subject: "h_alice", at: Self.t0)).isEmpty)
        // The shop's client retries the same request: not a replay.
        #expect(detector.observe(Observation(.probe(fingerprint: probe), party: "p_shop", subject: "h_alice", at: Self.t0 + 5)).isEmpty)
        // Another genuine sample of Alice's face: not a replay either.
        let fresh = Self.fingerprinter.fingerprint(Self.nudge(Self.face(1), by: 0.45, seed: 3))
        #expect(detector.observe(Observation(.probe(fingerprint: fresh), party: "p_shop", subject: "h_alice", at: Self.t0 + 60)).isEmpty)
        // A near copy sent by another party, on another holder: a replay naming that party, and both holders.
        let copy = Self.fingerprinter.fingerprint(Self.nudge(Self.face(1), by: 0.005, seed: 4))
        let found = detector.observe(Observation(.probe(fingerprint: copy), party: "p_thief", subject: "h_bob", at: Self.t0 + 90))
        #expect(found.map(\.rule) == [.replay] && found.first?.parties == ["p_thief"] && found.first?.holders == ["h_alice", "h_bob"])
        // Raised once per cooldown.
        #expect(detector.observe(Observation(.probe(fingerprint: copy), party: "p_thief", subject: "h_carol", at: Self.t0 + 95)).isEmpty)
    }

    @Test func aProbeNearAHoneyMarkProvesTheStoreLeaked() {
        var detector = WatchDetector()
        let decoy = Self.face(42)
        detector.plantHoney(Self.fingerprinter.fingerprint(decoy))
        let found = detector.observe(Observation(.probe(fingerprint: Self.fingerprinter.fingerprint(Self.nudge(decoy, by: 0.01, seed: 5))),
                                                 party: "p_buyer", subject: "h_alice", at: Self.t0))
        #expect(found.map(\.rule) == [.honey] && found.first?.parties == ["p_buyer"])
    }

    @Test func unconsentedAttemptsBeyondHonestMistakesAreAFinding() {
        var detector = WatchDetector()
        for second in 0..<7 {
            #expect(detector.observe(Observation(.refused, party: "p_prober", at: Self.t0 + Double(second))).isEmpty)
        }
        // Seven mistakes a minute apart: never a finding.
        var honest = WatchDetector()
        for minute in 0..<30 {
            #expect(honest.observe(Observation(.refused, party: "p_clumsy", at: Self.t0 + Double(minute * 61))).isEmpty)
        }
        #expect(detector.observe(Observation(.refused, party: "p_prober", at: Self.t0 + 8)).map(\.rule) == [.unconsented])
        #expect(detector.observe(Observation(.refused, party: "p_prober", at: Self.t0 + 9)).isEmpty)
    }

    @Test func aBurstIsMeasuredAgainstThePartysOwnBaseline() {
        var detector = WatchDetector()
        var time = Self.t0
        // Ten minutes at two attempts a second: the shop's rhythm, never a burst.
        for step in 0..<1200 {
            time = Self.t0 + Double(step) * 0.5
            #expect(detector.observe(Observation(.attempt, party: "p_shop", subject: "h_\(step % 50)", at: time)).isEmpty)
        }
        // Then 200 in ten seconds.
        var found: [Finding] = []
        for step in 0..<200 {
            found += detector.observe(Observation(.attempt, party: "p_shop", subject: "h_\(step)", at: time + 1 + Double(step) * 0.05))
        }
        #expect(found.map(\.rule) == [.burst] && found.first?.parties == ["p_shop"])
    }

    @Test func aRingOfNewPartiesTouchingManyHoldersIsAnAuction() {
        var detector = WatchDetector()
        let ring = ["p_ring1", "p_ring2", "p_ring3", "p_ring4"]
        for party in ring + ["p_newhonest"] {
            _ = detector.observe(Observation(.admitted, party: party, at: Self.t0))
        }
        // An established party touching many holders is not an auction (the burst rule watches it).
        for holder in 0..<60 {
            #expect(detector.observe(Observation(.attempt, party: "p_bigshop", subject: "h_big\(holder)", at: Self.t0 + 100 + Double(holder) * 0.1)).isEmpty)
        }
        // An honest new party touches two holders.
        for holder in 0..<2 {
            #expect(detector.observe(Observation(.attempt, party: "p_newhonest", subject: "h_new\(holder)", at: Self.t0 + 200)).isEmpty)
        }
        var found: [Finding] = []
        var touched = 0
        for round in 0..<6 {
            for party in ring {
                found += detector.observe(Observation(.attempt, party: party, subject: "h_victim\(round)\(party)", at: Self.t0 + 210 + Double(touched) * 0.2))
                touched += 1
            }
        }
        #expect(found.map(\.rule) == [.auction])
        // Twenty holders in the window, two of them the honest newcomer's: only the ring's 18 are told.
        #expect(found.first?.parties == ring && found.first?.holders.count == 18)
        #expect(found.first?.holders.contains { $0.hasPrefix("h_new") } == false)
        // Out of the window, the ring's counts are forgotten.
        #expect(detector.observe(Observation(.attempt, party: "p_ring1", subject: "h_late", at: Self.t0 + 2000)).isEmpty)
    }

    @Test func theIndexFindsEveryNearCopyAndForgetsTheOldestGeneration() {
        var index = ProbeIndex(capacity: 4)
        let faces = (0..<4).map { Self.fingerprinter.fingerprint(Self.face($0)) }
        for (n, fingerprint) in faces.enumerated() {
            index.insert(.init(fingerprint: fingerprint, party: "p_\(n)", subject: nil, time: Self.t0))
        }
        #expect(index.count == 4 && index.nearest(faces[0], within: 0)?.entry.party == "p_0")
        index.insert(.init(fingerprint: Self.fingerprinter.fingerprint(Self.face(9)), party: "p_9", subject: nil, time: Self.t0))
        #expect(index.nearest(faces[0], within: 12) == nil && index.nearest(faces[3], within: 0)?.entry.party == "p_3")
        // Twelve flipped bits, spread over the bands: still found.
        var flipped = faces[3]
        for bit in stride(from: 0, to: 12 * 21, by: 21) { flipped[bit / 8] ^= 1 << UInt8(bit % 8) }
        #expect(index.nearest(flipped, within: 12)?.distance == 12)
    }
}
