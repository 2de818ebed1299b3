import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SignetCore
import SignetMarket
import SignetServer
import SignetStore
import SignetVault
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `signet bench api`: verifications per second through the full path (signature check, rate
/// limits, permission, match, ledger append, signed answer) next to a trivial route, with the
/// same Swift load generator on the same machine.
struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Benchmark POST /v1/verifications end to end against GET /healthz on the same server.",
        discussion: "Requests are signed ahead of time (each needs its own permission and nonce), then sent by concurrent URLSession tasks. Build with -c release.")

    @Option(help: "Verification requests to send (default 2000).") var requests = 2000
    // URLSession on Linux times out here with more than two requests in flight to one host, so
    // the default stays at 2 until the bench gets a NIO-based generator.
    @Option(help: "Concurrent requests in flight (default 2).") var concurrency = 2
    @Option(help: "Embedding dimension (default 128).") var dimension = 128
    @Option(help: "scrypt log2(N) of the vault KDF; 15 is the production setting (default 15).") var kdfLog2N: UInt8 = 15

    func validate() throws {
        guard (10...1_000_000).contains(requests), (1...1024).contains(concurrency), (16...4096).contains(dimension), (1...20).contains(kdfLog2N) else {
            throw ValidationError("--requests 10...1000000, --concurrency 1...1024, --dimension 16...4096, --kdf-log2-n 1...20")
        }
    }

    func run() async throws {
        var configuration = APIConfiguration(publicURL: nil)
        // The bench measures throughput, not the limiter: open the buckets wide.
        configuration.partyRate = RateLimit(burst: 1e9, perSecond: 1e9)
        configuration.templateRate = RateLimit(burst: 1e9, perSecond: 1e9)
        let vault = try VaultConfiguration(dimension: dimension, alpha: 8, kdf: try KDFParameters(log2N: kdfLog2N, r: 8, p: 1))
        let server = try await ThrowawayServer.start(origin: "bench.example/log", vault: vault, configuration: configuration)
        let base = server.base
        let identities = server.identities

        // Set up one holder, one template, one approved party, and one permission per request.
        let holderKey = Curve25519.Signing.PrivateKey()
        var holder = APIClient(base: base, key: holderKey, keyID: Base64.encodeURL(holderKey.publicKey.rawRepresentation))
        holder.keyID = try await holder.send(.post, "/v1/holders", json: ["public_key": holder.keyID])["id"] as? String ?? ""
        let face = (0..<dimension).map { _ in Double.random(in: -1...1) }
        let template = try await holder.send(.post, "/v1/templates", json: ["dimension": dimension, "values": face])["id"] as? String ?? ""
        let partyKey = Curve25519.Signing.PrivateKey()
        var party = APIClient(base: base, key: partyKey, keyID: Base64.encodeURL(partyKey.publicKey.rawRepresentation))
        party.keyID = try await party.send(.post, "/v1/parties", json: ["public_key": party.keyID, "name": "Bench", "contact": "bench@example"])["id"] as? String ?? ""
        _ = try await identities.setStatus(.approved, of: try PrincipalID(party.keyID).orThrow())
        printError("signet bench api: creating \(requests) permissions…")
        var prepared: [URLRequest] = []
        for _ in 0..<requests {
            let token = try await holder.send(.post, "/v1/permissions", json: ["template_id": template, "party_id": party.keyID])["token"] as? String ?? ""
            prepared.append(try party.request(.post, "/v1/verifications", json: [
                "mode": "probe", "template_id": template, "permission_token": token, "probe": ["dimension": dimension, "values": face],
            ]))
        }
        let trivial = (0..<requests).map { _ in URLRequest(url: base.appendingPathComponent("healthz")) }

        print("signet bench api: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(requests) requests, \(concurrency) in flight, n=\(dimension), α=8, KDF scrypt N=2^\(kdfLog2N) r=8 p=1, SQLite")
        let baseline = try await load("baseline: GET /healthz (trivial route)", trivial, expect: 200)
        let full = try await load("POST /v1/verifications (full path)", prepared, expect: 200)
        print("")
        printTable([baseline, full], baseline: baseline)
        await server.stop()
    }

    /// Sends `requests` with `concurrency` in flight; counts only answers with status `expect`.
    func load(_ name: String, _ requests: [URLRequest], expect: Int) async throws -> BenchRow {
        let clock = ContinuousClock()
        let start = clock.now
        let concurrency = self.concurrency
        let (samples, failures) = try await withThrowingTaskGroup(of: (Duration, Bool).self) { group in
            var samples = LatencySamples()
            var failures = 0
            var next = 0
            func submit() {
                let request = requests[next]
                next += 1
                group.addTask {
                    let t0 = clock.now
                    let (_, response) = try await URLSession.shared.data(for: request)
                    return (clock.now - t0, (response as? HTTPURLResponse)?.statusCode == expect)
                }
            }
            while next < min(concurrency, requests.count) { submit() }
            for try await (latency, ok) in group {
                samples.append(latency)
                if !ok { failures += 1 }
                if next < requests.count { submit() }
            }
            return (samples, failures)
        }
        let elapsed = clock.now - start
        if failures > 0 { printError("signet bench api: \(name): \(failures) answers were not \(expect)") }
        return BenchRow(name: name, operations: samples.nanoseconds.count - failures, seconds: elapsed.seconds,
                        p50: samples.percentile(50), p99: samples.percentile(99))
    }
}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let self else { throw ValidationError("unexpected empty value") }
        return self
    }
}
