import Crypto
import Foundation
public import SignetCore
import Logging
import SignetMarket
import SignetVault
import SignetWatch

/// Honey templates: decoys enrolled like any holder's template, under a holder nobody holds the
/// key of, from a sample only the watch's keyed fingerprint remembers.
///
/// In storage and in the ledger a decoy is a holder with a template and an `enroll` entry,
/// like every other. The fingerprint of its sample is kept apart (the watch's honey marks),
/// and means nothing without the watch key, which lives in a file, not in the database. A thief
/// who takes the template store cannot tell decoys from holders; anyone who later presents a
/// sample that a decoy was made from proves the store leaked.
extension SignetService {
    /// Plants one honey template.
    /// - Parameter sample: the decoy's embedding; by default a random direction of the first
    ///   loaded profile's dimension.
    /// - Returns: the decoy template's id (for the operator's records; it is never shown elsewhere).
    /// - Throws: ``ServiceError`` `.vaultProfileMissing` when no profile is loaded, or what enrollment throws.
    @discardableResult
    public func plantHoneyTemplate(sample: [Float]? = nil) async throws -> TemplateID {
        guard let dimension = vault.profiles.first?.dimension else {
            throw ServiceError(.vaultProfileMissing, "no vault profile is loaded, so no template, decoy or real, can be enrolled")
        }
        let decoy = sample ?? randomDirection(dimension: dimension)
        guard let centred = vault.prepared(decoy) else {
            throw ServiceError(.invalidField, "the decoy sample cannot be prepared by any loaded profile")
        }
        // The mark first: a decoy is never in the store unwatched (a mark whose decoy failed to
        // enroll watches a random direction nobody presents).
        let mark = watch.fingerprinter.fingerprint(centred)
        try await stores.watch.plantHoney(mark, at: Self.honeyMarkTime(now))
        watch.plant([mark])
        // A key nobody keeps: the decoy holder can never sign a request.
        let holder = try newHolder(publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        try await register(holder)
        return try await enroll([EmbeddingInput(decoy)], for: holder.id).id
    }

    /// The time a honey mark is filed under: the start of the hour after `now`. Deliberate: the
    /// exact time would match the decoy holder's registration, so anyone holding the database
    /// could join the two and list the decoys; the hour only says that one of the holders who
    /// registered in it may be one. Never earlier than the real time, so a reload looking back
    /// from its last run always finds it.
    static func honeyMarkTime(_ now: Date) -> Date {
        Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / 3_600).rounded(.down) + 1) * 3_600)
    }

    /// How far back each reload of the honey marks looks before the previous one: another
    /// instance's clock may lag, or its planting may commit late.
    static let honeyReloadOverlap: TimeInterval = 300

    /// Gives the watch the honey marks planted since it last looked (all of them the first
    /// time): other instances plant decoys too. `signet serve` reloads every minute.
    public func loadHoneyMarks() async throws {
        let started = now
        let since = watch.honeyLoaded.map { $0.addingTimeInterval(-Self.honeyReloadOverlap) } ?? .distantPast
        watch.plant(try await stores.watch.honeyMarks(plantedSince: since))
        watch.honeyLoaded = started
    }

    /// After a real enrollment: one time in ``ServiceConfiguration/honeyEvery``, at random,
    /// schedules a decoy for a random moment within ``ServiceConfiguration/honeyDelay``.
    /// Planted later, from the background (``plantDueHoney()``), a decoy neither slows the
    /// request that drew it nor carries its time: nothing in the store ties it to a real
    /// enrollment.
    func scheduleHoney() {
        let every = configuration.honeyEvery
        guard every > 0 else { return }
        let draw = configuration.random.bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard (draw >> 32) % UInt64(every) == 0 else { return }
        let fraction = Double(draw & 0xFFFF_FFFF) / Double(UInt32.max)
        watch.scheduleHoney(at: now.addingTimeInterval(fraction * configuration.honeyDelay))
    }

    /// Plants the decoys whose moment has come; one that fails is tried again a minute later.
    /// Returns how many were planted.
    @discardableResult
    public func plantDueHoney() async -> Int {
        var planted = 0
        for _ in 0..<watch.takeDueHoney(at: now) {
            do {
                try await plantHoneyTemplate()
                planted += 1
            } catch {
                watch.scheduleHoney(at: now.addingTimeInterval(60))
                configuration.logger.warning("planting a honey template failed; trying again in a minute: \(error)")
            }
        }
        return planted
    }

    /// A uniformly random unit vector (normalised Gaussians, by Box–Muller from ``ServiceConfiguration/random``).
    private func randomDirection(dimension: Int) -> [Float] {
        var values: [Float] = []
        while values.count < dimension {
            let bytes = configuration.random.bytes(16)
            let u1 = (Double(bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 11) + 1) / 9_007_199_254_740_993
            let u2 = Double(bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 11) / 9_007_199_254_740_992
            let radius = (-2 * log(u1)).squareRoot()
            values.append(Float(radius * cos(2 * .pi * u2)))
            values.append(Float(radius * sin(2 * .pi * u2)))
        }
        values.removeLast(values.count - dimension)
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}
