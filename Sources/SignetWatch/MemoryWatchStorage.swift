public import Foundation
import Synchronization

/// The in-memory reference ``WatchStorage``.
public final class MemoryWatchStorage: WatchStorage {
    private struct State {
        var findings: [FindingRecord] = []
        var alerts: [HolderAlert] = []
        var honey: [(fingerprint: [UInt8], plantedAt: Date)] = []
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func record(_ finding: FindingRecord, alerts: [HolderAlert]) async throws {
        state.withLock { state in
            guard !state.findings.contains(where: { $0.id == finding.id }) else { return }
            state.findings.append(finding)
            state.alerts += alerts
        }
    }

    public func findings(limit: Int) async throws -> [FindingRecord] {
        state.withLock { Array($0.findings.reversed().prefix(limit)) }
    }

    public func findingCount(partyID: String) async throws -> Int {
        state.withLock { $0.findings.filter { $0.parties.contains(partyID) }.count }
    }

    public func alerts(holderID: String, limit: Int) async throws -> [HolderAlert] {
        state.withLock { Array($0.alerts.filter { $0.holderID == holderID }.reversed().prefix(limit)) }
    }

    public func plantHoney(_ fingerprint: [UInt8], at date: Date) async throws {
        state.withLock { state in
            if !state.honey.contains(where: { $0.fingerprint == fingerprint }) { state.honey.append((fingerprint, date)) }
        }
    }

    public func honeyMarks(plantedSince date: Date) async throws -> [[UInt8]] {
        state.withLock { $0.honey.filter { $0.plantedAt >= date }.sorted { $0.plantedAt < $1.plantedAt }.map(\.fingerprint) }
    }
}
