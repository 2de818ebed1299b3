public import Foundation
import SignetCore
public import SignetMarket
import Synchronization

/// The trust protocol in force, with its content id.
public struct ActiveProtocol: Sendable, Equatable {
    /// The rules.
    public let rules: TrustProtocol
    /// ``TrustProtocol/contentID()``.
    public let contentID: String
}

/// A proposed version in its notice period, as holders see it.
public struct PendingProtocol: Sendable, Equatable {
    /// The proposed version.
    public let version: ProtocolVersion
    /// What it changes against the version in force.
    public let diff: ProtocolDiff
}

/// Governance of the trust protocol: a change is proposed as a new version, logged with its
/// content id and the hash of its diff, shown to holders during a notice period, and put in
/// force by the operator only after it. Grants already made keep the terms they were made under.
extension SignetService {
    /// The protocol in force: the latest activated version, or the configured one when none was
    /// ever activated. Read at most every 5 seconds, so every instance follows an activation.
    public func activeProtocol() async throws -> ActiveProtocol {
        let now = self.now
        if let cached = protocolCache.current(at: now) { return cached }
        let active: ActiveProtocol
        if let latest = try await stores.protocols.versions().last(where: { $0.activatedAt != nil }) {
            active = ActiveProtocol(rules: latest.rules, contentID: latest.contentID)
        } else {
            active = ActiveProtocol(rules: configuration.trustProtocol, contentID: try configuration.trustProtocol.contentID())
        }
        protocolCache.store(active, at: now)
        return active
    }

    /// Versions proposed and not yet in force, each with its diff against the protocol in force.
    ///
    /// A version counts as pending when it is above the last one *activated*; the built-in
    /// protocol's number does not hide a proposal (a proposal made under an older build, whose
    /// built-in protocol had a lower number, stays visible and can be activated).
    public func pendingProtocols() async throws -> [PendingProtocol] {
        let inForce = try await activeProtocol().rules
        let versions = try await stores.protocols.versions()
        let floor = Self.lastActivated(versions)
        return versions.filter { $0.activatedAt == nil && $0.version > floor }.map {
            PendingProtocol(version: $0, diff: ProtocolDiff(from: inForce, to: $0.rules))
        }
    }

    /// Proposes `rules` as the next version, in force no earlier than `noticeDays` from now;
    /// logged as a `protocol` entry (stage `proposed`) naming its content id and its diff's hash.
    /// - Throws: ``ServiceError`` `.invalidField` (notice out of range, or a version not above
    ///   every earlier one), `.conflict` (the version exists).
    public func proposeProtocol(_ rules: TrustProtocol, noticeDays: Int) async throws -> (pending: PendingProtocol, ledgerIndex: UInt64) {
        let range = configuration.protocolNoticeDays
        guard range.contains(noticeDays) else {
            throw ServiceError(.invalidField, "the notice period must be \(range.lowerBound) to \(range.upperBound) days")
        }
        let now = self.now
        let inForce = try await activeProtocol().rules
        let highest = max(inForce.version, try await stores.protocols.versions().last?.version ?? 0)
        guard rules.version > highest else {
            throw ServiceError(.invalidField, "the proposed version must be above \(highest), the highest so far")
        }
        let version = ProtocolVersion(rules: rules, contentID: try rules.contentID(), proposedAt: now,
                                      effectiveAt: now.addingTimeInterval(TimeInterval(noticeDays) * 86_400))
        let diff = ProtocolDiff(from: inForce, to: rules)
        guard try await stores.protocols.propose(version) else { throw ServiceError(.conflict, "version \(rules.version) is proposed already") }
        let index = try await recorder.record(.protocolChange(LedgerEvent.ProtocolChange(
            stage: "proposed", version: rules.version, content_id: version.contentID, diff_sha256: try diff.sha256(),
            effective: Int64(version.effectiveAt.timeIntervalSince1970.rounded(.up)))), at: now)
        return (PendingProtocol(version: version, diff: diff), index)
    }

    /// Puts a proposed version in force once its notice period is over; logged as a `protocol`
    /// entry (stage `activated`). Offers from then on are judged by it; grants made before keep
    /// their terms and the protocol id they name.
    ///
    /// The version must be above the last one activated; while the built-in protocol is in
    /// force, any pending version may be, even one numbered at or below the built-in's (a
    /// proposal made under an older build): its diff against the protocol in force, shown by
    /// ``pendingProtocols()`` and `signet admin protocol show` during the notice, says what
    /// it would drop.
    /// - Throws: ``ServiceError`` `.notFound` (no such pending version), `.conflict` (still in
    ///   its notice period, or not above the last version activated).
    public func activateProtocol(version number: Int) async throws -> (version: ProtocolVersion, ledgerIndex: UInt64) {
        let now = self.now
        guard let proposed = try await stores.protocols.versions().first(where: { $0.version == number && $0.activatedAt == nil }) else {
            throw ServiceError(.notFound, "no pending protocol version \(number)")
        }
        guard proposed.effectiveAt <= now else {
            throw ServiceError(.conflict, "version \(number) is in its notice period until \(proposed.effectiveAt.formatted(.iso8601))")
        }
        let inForce = try await activeProtocol().rules
        let floor = Self.lastActivated(try await stores.protocols.versions())
        guard number > floor else { throw ServiceError(.conflict, "version \(floor), activated already, is newer") }
        guard let activated = try await stores.protocols.activate(version: number, at: now) else {
            throw ServiceError(.conflict, "version \(number) was activated by another request")
        }
        protocolCache.clear()
        let index = try await recorder.record(.protocolChange(LedgerEvent.ProtocolChange(
            stage: "activated", version: number, content_id: activated.contentID,
            diff_sha256: try ProtocolDiff(from: inForce, to: activated.rules).sha256(),
            effective: Int64(now.timeIntervalSince1970.rounded(.down)))), at: now)
        return (activated, index)
    }
}

extension SignetService {
    /// The number of the last version activated; 0 when the built-in protocol is in force.
    static func lastActivated(_ versions: [ProtocolVersion]) -> Int {
        versions.last { $0.activatedAt != nil }?.version ?? 0
    }
}

/// A value as last read, for a few seconds (the protocol in force, the status list).
final class TimedCache<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value, readAt: Date)?>(nil)
    let lifetime: TimeInterval

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    func current(at now: Date) -> Value? {
        state.withLock { entry in
            guard let entry, abs(now.timeIntervalSince(entry.readAt)) < lifetime else { return nil }
            return entry.value
        }
    }

    func store(_ value: Value, at now: Date) { state.withLock { $0 = (value, now) } }

    func clear() { state.withLock { $0 = nil } }
}
