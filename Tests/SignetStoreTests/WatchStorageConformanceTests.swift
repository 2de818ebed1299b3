import Foundation
import SignetService
import SignetTesting
import SignetWatch
import Testing

/// Every watch store keeps findings once, counts them per party, keeps each holder's alerts to
/// themselves, and keeps honey marks, across instances.
struct WatchStorageConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available)
    func findingsAlertsAndHoneyMarksAreKept(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, reopen in
            let ring = Finding(rule: .auction, time: Self.now, parties: ["p_b", "p_a"], holders: ["h_alice", "h_bob"], summary: "2 new parties touched 2 holders")
            let alerts = HolderAlert.alerts(for: ring)
            #expect(alerts.count == 2 && alerts.allSatisfy { $0.party == nil && $0.rule == "auction" })
            try await stores.watch.record(FindingRecord(ring, ledgerIndex: 7), alerts: alerts)
            try await stores.watch.record(FindingRecord(ring, ledgerIndex: 9), alerts: alerts)  // the same finding again: kept once
            let later = Finding(rule: .replay, time: Self.now + 60, parties: ["p_a"], holders: ["h_alice"], summary: "a copy")
            try await stores.watch.record(FindingRecord(later, ledgerIndex: nil), alerts: HolderAlert.alerts(for: later))

            let other = try await reopen()
            let findings = try await other.watch.findings(limit: 10)
            #expect(findings.map(\.id) == [later.id, ring.id])
            #expect(findings.last == FindingRecord(id: ring.id, rule: .auction, time: Self.now, parties: ["p_a", "p_b"], holders: 2,
                                                    summary: "2 new parties touched 2 holders", ledgerIndex: 7))
            #expect(try await other.watch.findings(limit: 1).count == 1)
            #expect(try await other.watch.findingCount(partyID: "p_a") == 2)
            #expect(try await other.watch.findingCount(partyID: "p_b") == 1)
            #expect(try await other.watch.findingCount(partyID: "p_nobody") == 0)
            #expect(try await other.watch.alerts(holderID: "h_alice", limit: 10).map(\.rule) == ["replay", "auction"])
            #expect(try await other.watch.alerts(holderID: "h_bob", limit: 10).map(\.id) == [alerts.first { $0.holderID == "h_bob" }?.id])
            #expect(try await other.watch.alerts(holderID: "h_carol", limit: 10).isEmpty)

            try await stores.watch.plantHoney([1, 2, 3], at: Self.now)
            try await stores.watch.plantHoney([1, 2, 3], at: Self.now + 1)
            try await stores.watch.plantHoney([4], at: Self.now + 2)
            #expect(try await other.watch.honeyMarks(plantedSince: .distantPast) == [[1, 2, 3], [4]])
            // Another instance reloads only what was planted since its last look.
            #expect(try await other.watch.honeyMarks(plantedSince: Self.now + 1) == [[4]])
            #expect(try await other.watch.honeyMarks(plantedSince: Self.now + 3).isEmpty)
        }
    }
}
