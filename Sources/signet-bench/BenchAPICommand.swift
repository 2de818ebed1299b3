import SignetClient
import SignetService
import SignetAuth
import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import SignetCore
import SignetMarket
import SignetServer
import SignetVault

/// `signet-bench api`: verifications per second through the full path (signature check, rate
/// limits, permission, match, ledger append, signed answer) next to a trivial route, with the
/// same closed-loop NIO load generator (``LoadGenerator``) on the same machine.
struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Benchmark POST /v1/verifications end to end against GET /healthz on the same server.",
        discussion: """
            Requests are signed ahead of time (each needs its own permission and nonce), then sent over keep-alive \
            connections, one request in flight per connection. Without a database URL one server runs on a temporary \
            SQLite store; with one, two instances run on a new database created next to it (the user needs CREATEDB), \
            which is dropped at the end. Build with -c release.
            """)

    @Option(help: "Verification requests to send (default 2000).") var requests = 2000
    @Option(help: "Keep-alive connections, each with one request in flight (default 64).") var connections = 64
    @Option(help: "Embedding dimension (default 128).") var dimension = 128
    @Option(help: "scrypt log2(N) of the vault KDF; 15 is the production setting (default 15).") var kdfLog2N: UInt8 = 15
    @Option(name: .customLong("database-url"),
            help: "PostgreSQL URL (env SIGNET_DATABASE_URL): run two instances on a throwaway database created next to it. Prefer the environment variable: options show in ps.")
    var databaseURL: String?
    @Option(help: "Parties, each with its own template, to spread verifications over (default 1: all charge the same two rate-limit buckets).")
    var parties = 1
    @Option(help: "Event-loop threads of the load generator (default 1).") var clientThreads = 1
    @Option(help: "Longest wait in seconds for any one answer; a stalled server fails the run (default 30).") var timeout = 30

    func validate() throws {
        guard (10...1_000_000).contains(requests), (1...4096).contains(connections), (16...4096).contains(dimension),
              (1...20).contains(kdfLog2N), (1...64).contains(clientThreads), (1...3600).contains(timeout), (1...1000).contains(parties), parties <= requests else {
            throw ValidationError("--requests 10...1000000, --connections 1...4096, --dimension 16...4096, --kdf-log2-n 1...20, --client-threads 1...64, --timeout 1...3600, --parties 1...min(1000, requests)")
        }
    }

    func run() async throws {
        var configuration = ServiceConfiguration()
        // The bench measures throughput, not the limiter: open the buckets wide.
        configuration.partyRate = RateLimit(burst: 1e9, perSecond: 1e9)
        configuration.templateRate = RateLimit(burst: 1e9, perSecond: 1e9)
        var api = APIConfiguration(publicURL: nil)
        // Requests are signed before the run starts; a long run must not age them out.
        api.maximumClockSkew = .seconds(3600)
        let vault = try VaultConfiguration(dimension: dimension, alpha: 8, kdf: try KDFParameters(log2N: kdfLog2N, r: 8, p: 1))
        let url = databaseURL ?? ProcessInfo.processInfo.environment["SIGNET_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let deployment: BenchDeployment
        if let url {
            deployment = try await BenchDeployment.postgres(url: url, vault: vault, configuration: configuration, api: api)
        } else {
            deployment = try await BenchDeployment.sqlite(vault: vault, configuration: configuration, api: api)
        }
        do {
            try await measure(deployment)
        } catch {
            printError("signet-bench api: \(error)")
            if error is LoadConnectionHandler.NoAnswer {
                printError("signet-bench api: the server stopped answering: that is a bug (docs/performance.md, API, tells how the last one was found)")
            }
            await deployment.stop()
            throw ExitCode.failure
        }
        await deployment.stop()
    }

    /// Sets up a holder, its templates, approved parties and one permission per request, then
    /// runs the baseline and the verifications and prints the table.
    private func measure(_ deployment: BenchDeployment) async throws {
        let targets = try deployment.bases.map(LoadTarget.init(base:))
        let holderKey = Curve25519.Signing.PrivateKey()
        var holder = APIClient(base: deployment.bases[0], key: holderKey, keyID: Base64.encodeURL(holderKey.publicKey.rawRepresentation))
        holder.keyID = try await holder.send(.post, "/v1/holders", json: ["public_key": holder.keyID])["id"] as? String ?? ""
        let face = (0..<dimension).map { _ in Double.random(in: -1...1) }
        var pairs: [Pair] = []
        for _ in 0..<parties {
            let template = try await holder.send(.post, "/v1/templates", json: ["dimension": dimension, "values": face])["id"] as? String ?? ""
            let partyKey = Curve25519.Signing.PrivateKey()
            var party = APIClient(base: deployment.bases[0], key: partyKey, keyID: Base64.encodeURL(partyKey.publicKey.rawRepresentation))
            party.keyID = try await party.send(.post, "/v1/parties", json: ["public_key": party.keyID, "name": "Bench", "contact": "bench@example"])["id"] as? String ?? ""
            try await deployment.approve(try PrincipalID(party.keyID).orThrow())
            pairs.append(Pair(template: template, party: party))
        }

        var tokens = try await createPermissions(holder: holder, pairs: pairs, targets: targets)
        printError("signet-bench api: signing \(requests) verification requests…")
        let verifications = try LoadPlan.deal(requests, connections: connections, targets: targets) { i, target in
            let pair = pairs[i % pairs.count]
            let client = APIClient(base: target.base, key: pair.party.key, keyID: pair.party.keyID)
            return LoadRequest(try client.request(.post, "/v1/verifications", json: [
                "mode": "probe", "template_id": pair.template, "permission_token": tokens[i % pairs.count].removeLast(),
                "probe": ["dimension": dimension, "values": face],
            ]), target: target)
        }
        let trivial = LoadPlan.deal(requests, connections: connections, targets: targets) { _, target in
            LoadRequest(method: "GET", target: target, path: "/healthz")
        }

        print("signet-bench api: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(requests) requests, \(connections) connections, "
              + (parties > 1 ? "\(parties) parties and templates, " : "")
              + "n=\(dimension), α=8, KDF scrypt N=2^\(kdfLog2N) r=8 p=1, \(deployment.store)")
        let baseline = try await load("baseline: GET /healthz (trivial route)", trivial)
        let full = try await load("POST /v1/verifications (full path)", verifications)
        // Device mode right after: its challenges live 120 seconds.
        let device = try await loadDeviceMode(holder: holder, face: face, pairs: pairs, targets: targets)
        print("")
        printTable([baseline, full, device], baseline: baseline)
    }

    /// Device mode: one permission and one challenge per request (set up through the API), each
    /// answered by the holder's device key, unlocked once per template from the enrolled face.
    /// Measures POST /v1/verifications alone; the challenge round trip is part of the set-up.
    private func loadDeviceMode(holder: APIClient, face: [Double], pairs: [Pair], targets: [LoadTarget]) async throws -> BenchRow {
        var tokens = try await createPermissions(holder: holder, pairs: pairs, targets: targets)
        var keys: [TemplateSigningKey] = []
        for pair in pairs {
            keys.append(try await holder.unlockDeviceKey(template: pair.template, sample: face.map { Float($0) }))
        }
        var asked: [(pair: Int, token: String)] = []
        let challengePlans = try LoadPlan.deal(requests, connections: connections, targets: targets) { i, target in
            let pair = i % pairs.count
            let token = tokens[pair].removeLast()
            asked.append((pair, token))
            let client = APIClient(base: target.base, key: pairs[pair].party.key, keyID: pairs[pair].party.keyID)
            return LoadRequest(try client.request(.post, "/v1/challenges", json: ["template_id": pairs[pair].template, "permission_token": token]), target: target)
        }
        printError("signet-bench api: creating \(requests) device challenges…")
        let issued = try await LoadGenerator.run(challengePlans, expect: 201, keepBodies: true, timeout: .seconds(timeout), threads: clientThreads)
        if let first = issued.firstUnexpected {
            printError("signet-bench api: creating challenges: \(issued.unexpected) answers were not 201; the first: \(first.status) \(first.body)")
            throw ExitCode.failure
        }
        // Bodies come connection by connection, each connection's in the order it sent them.
        let order = (0..<challengePlans.count).flatMap { c in Array(stride(from: c, to: requests, by: challengePlans.count)) }
        var answers = [(id: String, nonce: String)](repeating: ("", ""), count: requests)
        for (i, body) in zip(order, issued.bodies) {
            let object = (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
            answers[i] = (object["id"] as? String ?? "", object["nonce"] as? String ?? "")
        }
        let plans = try LoadPlan.deal(requests, connections: connections, targets: targets) { i, target in
            let (pair, token) = asked[i]
            let signature = try keys[pair].sign(challenge: Challenge.message(id: answers[i].id, nonce: answers[i].nonce))
            let client = APIClient(base: target.base, key: pairs[pair].party.key, keyID: pairs[pair].party.keyID)
            return LoadRequest(try client.request(.post, "/v1/verifications", json: [
                "mode": "device", "template_id": pairs[pair].template, "permission_token": token,
                "challenge_id": answers[i].id, "signature": Base64.encodeURL(signature),
            ]), target: target)
        }
        return try await load("POST /v1/verifications (device mode)", plans)
    }

    /// An approved party and a template of the holder's that it may verify against.
    private struct Pair {
        let template: String
        let party: APIClient
    }

    /// Creates one permission per request through the API, for pair `i % pairs.count`,
    /// concurrently over the same generator, in batches so that progress shows on standard error.
    /// - Returns: the permission tokens of each pair.
    private func createPermissions(holder: APIClient, pairs: [Pair], targets: [LoadTarget]) async throws -> [[String]] {
        var tokens = Array(repeating: [String](), count: pairs.count)
        let index = Dictionary(uniqueKeysWithValues: pairs.enumerated().map { ($1.template + " " + $1.party.keyID, $0) })
        var created = 0
        let batch = max(1000, requests / 10)
        while created < requests {
            let count = min(batch, requests - created)
            let plans = try LoadPlan.deal(count, connections: connections, targets: targets) { i, target in
                let pair = pairs[(created + i) % pairs.count]
                let client = APIClient(base: target.base, key: holder.key, keyID: holder.keyID)
                return LoadRequest(try client.request(.post, "/v1/permissions", json: ["template_id": pair.template, "party_id": pair.party.keyID]), target: target)
            }
            let result = try await LoadGenerator.run(plans, expect: 201, keepBodies: true, timeout: .seconds(timeout), threads: clientThreads)
            if let first = result.firstUnexpected {
                printError("signet-bench api: creating permissions: \(result.unexpected) answers were not 201; the first: \(first.status) \(first.body)")
                throw ExitCode.failure
            }
            // Answers arrive connection by connection; each names the pair it is for.
            for body in result.bodies {
                guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let token = object["token"] as? String,
                      let template = object["template_id"] as? String, let party = object["party_id"] as? String,
                      let pair = index[template + " " + party] else {
                    printError("signet-bench api: unexpected permission answer: \(String(decoding: body, as: UTF8.self))")
                    throw ExitCode.failure
                }
                tokens[pair].append(token)
            }
            created += count
            printError("signet-bench api: created \(created)/\(requests) permissions (\(String(format: "%.0f", Double(count) / result.seconds))/s)")
        }
        return tokens
    }

    /// Runs `plans`; counts only answers with status 200, and shows the first other answer once.
    private func load(_ name: String, _ plans: [LoadPlan]) async throws -> BenchRow {
        printError("signet-bench api: measuring \(name)…")
        let result = try await LoadGenerator.run(plans, expect: 200, timeout: .seconds(timeout), threads: clientThreads)
        if let first = result.firstUnexpected {
            printError("signet-bench api: \(name): \(result.unexpected) answers were not 200; the first: \(first.status) \(first.body)")
        }
        return BenchRow(name: name, operations: result.expected, seconds: result.seconds,
                        p50: result.samples.percentile(50), p99: result.samples.percentile(99))
    }
}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let self else { throw ValidationError("unexpected empty value") }
        return self
    }
}
