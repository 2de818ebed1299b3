import SignetService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import SignetServer
import SignetTesting
import Testing

struct OperationsRoutesTests {
    @Test func readinessAndMetrics() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-ops-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: directory, origin: "ops.test/log"))
        let ledger = opened.ledger
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "signet_test_marker").increment()
        let app = Application(router: SignetApplication.router(ledger: ledger, metrics: registry))
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("signet_test_marker 1"))
            }
        }
        await opened.close()
        // With the database gone, the server is alive but not ready.
        let closed = Application(router: SignetApplication.router(ledger: ledger))
        try await closed.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
            }
        }
    }
}
