import Crypto
import Foundation
import Logging
import SignetCore
import SignetLog
import SignetMarket
import SignetService
import SignetVault
import SignetWatch
import Synchronization

/// `signet simulate auction`: a marketplace on a throw-away in-memory store, driven through the
/// real workflows on a simulated clock, in which a thief auctions a stolen dump of face samples
/// through a ring of newly registered parties.
///
/// - Honest parties, admitted a month before, verify their customers at their own rhythms
///   (each a Poisson process of its own rate) with fresh samples, and now and then send a
///   request a client bug garbled.
/// - One honest party joined a day ago and verifies a few customers slowly.
/// - The thief holds a dump of samples of some holders (taken from a breach elsewhere) and sells
///   each to several bidders: the ring, parties admitted a day before the attack, which phished
///   grants from those holders and then, at the attack, use them all as fast as they can.
///
/// Everything random comes from `seed`, and time is simulated: two runs with one seed print the
/// same figures on any machine.
struct AuctionSimulation {
    /// The marketplace's shape.
    struct Parameters {
        var seed: UInt64 = 1
        var holders = 200
        var honestParties = 8
        var ringSize = 5
        /// Holders each ring party phished grants from.
        var ringGrants = 15
        /// Seconds of traffic, and when (in them) the attack starts.
        var duration: TimeInterval = 600
        var attackAt: TimeInterval = 300
        /// Attempts per second of each ring party.
        var ringRate = 2.0
        /// The embeddings' dimension (synthetic unit vectors).
        var dimension = 64
    }

    /// What the run found.
    struct Report: Encodable {
        struct FindingLine: Encodable {
            let at_s: Double
            let rule: String
            let parties: [String]
            let ring: Bool
            let holders: Int
            let actions: [String]
        }

        let seed: UInt64
        /// Seconds from the attack's start to the first finding naming a ring party; `nil` if none.
        let time_to_detection_s: Double?
        /// The rule of that finding.
        let detected_by: String?
        /// Distinct holders the ring verified before that finding.
        let holders_affected: Int
        /// Findings naming an honest party.
        let false_alarms: Int
        /// Verifications honest parties attempted.
        let honest_events: Int
        /// Ring attempts in all, and those the server answered after the detection.
        let ring_attempts: Int
        let ring_answered_after_detection: Int
        /// Ring parties suspended and grants frozen by the response.
        let ring_suspended: Int
        let grants_frozen: Int
        let findings: [FindingLine]
        /// Wall-clock seconds the run took (not part of the result; machines differ).
        let wall_seconds: Double
    }

    let parameters: Parameters

    func run() async throws -> Report {
        let started = ContinuousClock.now
        let p = parameters
        var rng = SplitMix(seed: p.seed)
        let clock = SimulatedClock(Date(timeIntervalSince1970: 1_800_000_000))
        var seedBytes = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { seedBytes[i] = UInt8(truncatingIfNeeded: p.seed >> (8 * UInt64(i))) }
        let random = SeededRandomBytes(seed: seedBytes)
        var configuration = ServiceConfiguration(now: { clock.now() }, random: random).withoutRateLimits()
        configuration.watchKey = SymmetricKey(data: random.bytes(32))
        // The operator's alerts would flood the terminal; the report lists every finding.
        let logger = Logger(label: "signet.simulate", factory: { _ in SwiftLogNoOpLogHandler() })
        configuration.logger = logger
        let stores = Stores.inMemory(random: random)
        let ledger = try await Ledger.open(
            signer: try NoteSigner(name: "simulate.signet.local/log", privateKey: Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32))),
            storage: stores.log, sequencer: SequencerConfiguration(maxBatchSize: 64, maxDelay: .microseconds(20)), logger: logger)
        let service = SignetService(
            ledger: ledger, stores: stores, results: await ResultSigner(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32))),
            vault: try VaultConfiguration(dimension: p.dimension, alpha: 8, kdf: .insecureTesting), configuration: configuration)
        do {
            let report = try await simulate(service, clock: clock, random: random, rng: &rng, started: started)
            await ledger.close()
            return report
        } catch {
            await ledger.close()
            throw error
        }
    }

    /// Builds the marketplace on `service`, then runs its traffic.
    private func simulate(_ service: SignetService, clock: SimulatedClock, random: any RandomBytesGenerator, rng: inout SplitMix,
                          started: ContinuousClock.Instant) async throws -> Report {
        let p = parameters

        // Holders, each enrolled from a face of their own.
        var holders: [(id: PrincipalID, face: [Float])] = []
        for _ in 0..<p.holders {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32))
            let holder = try service.newHolder(publicKey: Array(key.publicKey.rawRepresentation))
            try await service.register(holder)
            let face = rng.unitVector(p.dimension)
            _ = try await service.enroll(samples: [EmbeddingInput(rng.sample(of: face))], as: holder.id.principal)
            holders.append((holder.id.principal, face))
        }

        // Honest parties, a month old by the time traffic starts; each customer grants two of them.
        var actors: [Actor] = []
        for n in 0..<p.honestParties {
            actors.append(try await Actor.admitted(service, name: "Honest shop \(n)", random: random, rate: 0.2 + rng.uniform() * 2.3, ring: false))
        }
        for holder in holders.indices {
            var chosen = Set<Int>()
            while chosen.count < min(2, p.honestParties) { chosen.insert(rng.below(p.honestParties)) }
            for party in chosen {
                actors[party].grants.append(try await Self.grant(service, holder: holders[holder].id, party: actors[party].id, clock: clock))
                actors[party].customers.append(holder)
            }
        }
        clock.advance(29 * 86_400)
        // A new honest party: joins a day before traffic, five customers, slow.
        var newcomer = try await Actor.admitted(service, name: "New bakery", random: random, rate: 0.05, ring: false)
        for _ in 0..<5 {
            let holder = rng.below(p.holders)
            newcomer.grants.append(try await Self.grant(service, holder: holders[holder].id, party: newcomer.id, clock: clock))
            newcomer.customers.append(holder)
        }
        actors.append(newcomer)
        // The ring: admitted the same day; each phished grants from holders in the dump.
        let dump = Array(Set((0..<(p.ringSize * p.ringGrants / 2)).map { _ in rng.below(p.holders) })).sorted()
        var stolen: [Int: [Float]] = [:]
        for holder in dump { stolen[holder] = rng.sample(of: holders[holder].face) }
        for n in 0..<p.ringSize {
            var member = try await Actor.admitted(service, name: "Quick Verify \(n) Ltd", random: random, rate: p.ringRate, ring: true)
            // Each member bought samples of its own slice of the dump; slices overlap (an auction sells to several bidders).
            for k in 0..<p.ringGrants {
                let holder = dump[(n * p.ringGrants / 2 + k) % dump.count]
                member.grants.append(try await Self.grant(service, holder: holders[holder].id, party: member.id, clock: clock))
                member.customers.append(holder)
            }
            member.next = p.attackAt + rng.exponential(rate: p.ringRate)
            actors.append(member)
        }
        clock.advance(86_400)
        _ = await service.respondToWatch()  // nothing yet: setup is honest
        let start = clock.now()
        for index in actors.indices where !actors[index].ring {
            actors[index].next = rng.exponential(rate: actors[index].rate)
        }

        // The traffic, event by event in time order.
        var honestEvents = 0, ringAttempts = 0, answeredAfter = 0
        var lines: [Report.FindingLine] = []
        var detection: (time: Double, rule: String)?
        var affected = Set<Int>()
        var frozen = 0
        let ringIDs = Set(actors.filter(\.ring).map(\.id.rawValue))
        while let index = actors.indices.min(by: { actors[$0].next < actors[$1].next }), actors[index].next < p.duration {
            let now = actors[index].next
            clock.set(start.addingTimeInterval(now))
            actors[index].next = now + rng.exponential(rate: actors[index].rate)
            let actor = actors[index]
            let pick = actor.ring ? actor.cursor % actor.customers.count : rng.below(actor.customers.count)
            actors[index].cursor += 1
            let holder = actor.customers[pick]
            // An honest party asks its customer for a new grant before the old one runs out, as a real one would.
            if !actor.ring {
                actors[index].uses[pick, default: 0] += 1
                if actors[index].uses[pick, default: 0] >= 100 {
                    actors[index].grants[pick] = try await Self.grant(service, holder: holders[holder].id, party: actor.id, clock: clock)
                    actors[index].uses[pick] = 1
                }
            }
            var token = actors[index].grants[pick]
            if !actor.ring, rng.uniform() < 0.01 { token = "garbled~" }  // a client bug, now and then
            let probe = actor.ring ? stolen[holder] ?? rng.sample(of: holders[holder].face) : rng.sample(of: holders[holder].face)
            let presented = (try? ConsentPresentation.present(token, at: clock.now(), with: actor.key, random: random)) ?? token
            let answered = (try? await service.verify(.probe(token: presented, probe: EmbeddingInput(probe)), as: actor.id)) != nil
            if actor.ring {
                ringAttempts += 1
                if detection == nil, answered { affected.insert(holder) }
                if detection != nil, answered { answeredAfter += 1 }
            } else {
                honestEvents += 1
            }
            for response in await service.respondToWatch() {
                let ring = response.finding.parties.contains { ringIDs.contains($0) }
                // The event's time: a finding's own time is the ledger's whole second.
                let at = now
                if ring, detection == nil { detection = (at - p.attackAt, response.finding.rule.rawValue) }
                frozen += response.grantsFrozen
                lines.append(.init(at_s: at, rule: response.finding.rule.rawValue, parties: response.finding.parties,
                                   ring: ring, holders: response.finding.holders.count, actions: response.actions))
            }
        }
        let suspended = try await service.parties(status: .suspended).filter { ringIDs.contains($0.id.rawValue) }.count
        let falseAlarms = lines.filter { $0.parties.contains { !ringIDs.contains($0) } }.count
        return Report(seed: p.seed, time_to_detection_s: detection.map { ($0.time * 1000).rounded() / 1000 }, detected_by: detection?.rule,
                      holders_affected: affected.count, false_alarms: falseAlarms, honest_events: honestEvents, ring_attempts: ringAttempts,
                      ring_answered_after_detection: answeredAfter, ring_suspended: suspended, grants_frozen: frozen, findings: lines,
                      wall_seconds: Double((ContinuousClock.now - started).components.seconds))
    }

    /// A holder's grant to a party: a trade code, an offer within the standard protocol, acceptance.
    private static func grant(_ service: SignetService, holder: PrincipalID, party: PrincipalID, clock: SimulatedClock) async throws -> String {
        let code = try await service.issueTradeCode(as: holder).code
        let terms = OfferTerms(scope: .verify, purpose: "dpv:IdentityVerification", purposeText: "Sign-in and checkout",
                               retentionDays: 30, maxUses: 100, validityDays: 365, expiresAt: clock.now().addingTimeInterval(7 * 86_400),
                               price: .init(minorUnits: 150, currency: "EUR"))
        let offer = try await service.makeOffer(terms, tradeCode: code, as: party).offer
        return try await service.accept(offer: offer.id, as: holder).token
    }
}

/// One party of the simulation.
private struct Actor {
    let id: PrincipalID
    let key: Curve25519.Signing.PrivateKey
    let rate: Double
    let ring: Bool
    var grants: [String] = []
    var customers: [Int] = []
    var next: TimeInterval = .infinity
    var cursor = 0
    /// Uses of each grant so far, by its position in ``grants``.
    var uses: [Int: Int] = [:]

    static func admitted(_ service: SignetService, name: String, random: any RandomBytesGenerator, rate: Double, ring: Bool) async throws -> Actor {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: random.bytes(32))
        let party = try service.newParty(name: name, contact: "ops@example.com", publicKey: Array(key.publicKey.rawRepresentation))
        try await service.register(party)
        _ = try await service.approve(party: party.id.rawValue)
        return Actor(id: party.id.principal, key: key, rate: rate, ring: ring)
    }
}

/// The simulation's clock, moved by the event loop.
private final class SimulatedClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// SplitMix64: the simulation's own seeded generator for its choices (rates, picks, noise).
private struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func exponential(rate: Double) -> Double { -log(1 - uniform()) / rate }
    mutating func gaussian() -> Double { (-2 * log(1 - uniform())).squareRoot() * cos(2 * .pi * uniform()) }

    mutating func unitVector(_ dimension: Int) -> [Float] {
        let raw = (0..<dimension).map { _ in gaussian() }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { Float($0 / norm) }
    }

    /// A fresh capture of `face`: the face plus noise some 25 degrees away, renormalised.
    mutating func sample(of face: [Float]) -> [Float] {
        let noise = unitVector(face.count)
        let mixed = zip(face, noise).map { $0 + 0.45 * $1 }
        let norm = mixed.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return mixed.map { $0 / norm }
    }
}
