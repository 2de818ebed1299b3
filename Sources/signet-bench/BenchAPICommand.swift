import SignetAPI
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

    @Option(help: "Also measure GET /healthz on one connection while this many enrollments run (0 skips it).")
    var enrollmentStorm = 0

    func validate() throws {
        guard (0...1_000_000).contains(enrollmentStorm) else { throw ValidationError("--enrollment-storm must be 0...1000000") }
        guard (10...1_000_000).contains(requests), (1...4096).contains(connections), (16...4096).contains(dimension),
              (1...20).contains(kdfLog2N), (1...64).contains(clientThreads), (1...3600).contains(timeout), (1...1000).contains(parties), parties <= requests else {
            throw ValidationError("--requests 10...1000000, --connections 1...4096, --dimension 16...4096, --kdf-log2-n 1...20, --client-threads 1...64, --timeout 1...3600, --parties 1...min(1000, requests)")
        }
    }

    func run() async throws {
        // A load generator: every request must reach the measured path, not a rate limit.
        let configuration = ServiceConfiguration().withoutRateLimits()
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
        let base = deployment.bases[0]
        let holder = try await Principal.register(base) { api, publicKey in
            try await api.registerHolder(headers: .init(contentDigest: Self.digest), body: .json(.init(publicKey: publicKey))).created.body.json.id
        }
        let face = (0..<dimension).map { _ in Double.random(in: -1...1) }
        let embedding = EmbeddingPayload(dimension: Int32(dimension), values: face)
        var pairs: [Pair] = []
        for _ in 0..<parties {
            let template = try await holder.api.enrollTemplate(headers: .init(contentDigest: Self.digest), body: .json(.init(embedding))).created.body.json.id
            let party = try await Principal.register(base) { api, publicKey in
                try await api.registerParty(headers: .init(contentDigest: Self.digest), body: .json(.init(publicKey: publicKey, name: "Bench", contact: "bench@example")))
                    .created.body.json.id
            }
            try await deployment.approve(try PrincipalID(party.id).orThrow())
            pairs.append(Pair(template: template, party: party))
        }

        var tokens = try await createPermissions(holder: holder, pairs: pairs, targets: targets)
        printError("signet-bench api: signing \(requests) verification requests…")
        let verifications = try LoadPlan.deal(requests, connections: connections, targets: targets) { i, target in
            let pair = pairs[i % pairs.count]
            let body = Components.Schemas.VerificationRequest.probe(.init(
                mode: .probe, consentToken: try pair.party.present(tokens[i % pairs.count].removeLast()), probe: embedding))
            return LoadRequest(try pair.party.presigner(target).request(.post, "/v1/verifications", body: body), target: target)
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
        if enrollmentStorm > 0 {
            print("")
            let (idle, storm) = try await healthDuringStorm(holder: holder, embedding: embedding, targets: targets)
            printTable([idle, storm], baseline: idle)
        }
    }

    /// `GET /healthz` on one connection, first on the idle server, then while
    /// `--enrollment-storm` enrollments (Haar sampling and scrypt each) arrive on every other
    /// connection: vault work runs on a bounded pool, so the trivial route should barely move.
    private func healthDuringStorm(holder: Principal, embedding: EmbeddingPayload, targets: [LoadTarget]) async throws -> (BenchRow, BenchRow) {
        let probes = 1000
        func healthPlan() -> [LoadPlan] {
            // One connection: each probe's latency is the server's, not the client's queue.
            (try? LoadPlan.deal(probes, connections: 1, targets: [targets[0]]) { _, target in
                LoadRequest(method: "GET", target: target, path: "/healthz")
            }) ?? []
        }
        let idle = try await load("GET /healthz, idle server", healthPlan())
        printError("signet-bench api: signing \(enrollmentStorm) enrollments…")
        let enrollments = try LoadPlan.deal(enrollmentStorm, connections: connections, targets: targets) { _, target in
            LoadRequest(try holder.presigner(target).request(.post, "/v1/templates", body: Components.Schemas.EnrollmentRequest(embedding)), target: target)
        }
        let timeout = timeout, threads = clientThreads
        let storm = Task { try await LoadGenerator.run(enrollments, expect: 201, timeout: .seconds(timeout), threads: threads) }
        // Let the storm fill the pool before probing.
        try await Task.sleep(for: .milliseconds(200))
        let during = try await load("GET /healthz, during enrollment storm", healthPlan())
        let stormResult = try await storm.value
        printError("signet-bench api: storm: \(stormResult.expected) enrollments in \(String(format: "%.1f", stormResult.seconds)) s"
                   + (stormResult.unexpected > 0 ? ", \(stormResult.unexpected) not 201" : ""))
        return (idle, during)
    }

    /// Device mode: one permission and one challenge per request (set up through the API), each
    /// answered by the holder's device key, unlocked once per template from the enrolled face.
    /// Measures POST /v1/verifications alone; the challenge round trip is part of the set-up.
    private func loadDeviceMode(holder: Principal, face: [Double], pairs: [Pair], targets: [LoadTarget]) async throws -> BenchRow {
        var tokens = try await createPermissions(holder: holder, pairs: pairs, targets: targets)
        var keys: [TemplateSigningKey] = []
        for pair in pairs {
            keys.append(try await holder.api.unlockDeviceKey(template: pair.template, sample: face.map { Float($0) }))
        }
        var asked: [(pair: Int, token: String)] = []
        let challengePlans = try LoadPlan.deal(requests, connections: connections, targets: targets) { i, target in
            let pair = i % pairs.count
            let token = tokens[pair].removeLast()
            asked.append((pair, token))
            let body = Components.Schemas.ChallengeRequest(consentToken: try pairs[pair].party.present(token))
            return LoadRequest(try pairs[pair].party.presigner(target).request(.post, "/v1/challenges", body: body), target: target)
        }
        printError("signet-bench api: creating \(requests) device challenges…")
        let issued = try await LoadGenerator.run(challengePlans, expect: 201, keepBodies: true, timeout: .seconds(timeout), threads: clientThreads)
        if let first = issued.firstUnexpected {
            printError("signet-bench api: creating challenges: \(issued.unexpected) answers were not 201; the first: \(first.status) \(first.body)")
            throw ExitCode.failure
        }
        // Bodies come connection by connection, each connection's in the order it sent them.
        let order = (0..<challengePlans.count).flatMap { c in Array(stride(from: c, to: requests, by: challengePlans.count)) }
        var answers = [(id: String, nonce: String, handle: String)](repeating: ("", "", ""), count: requests)
        for (i, body) in zip(order, issued.bodies) {
            let challenge = try Self.decoder.decode(Components.Schemas.Challenge.self, from: Data(body))
            answers[i] = (challenge.id, challenge.nonce, challenge.handle)
        }
        let plans = try LoadPlan.deal(requests, connections: connections, targets: targets) { i, target in
            let (pair, token) = asked[i]
            let signature = try keys[pair].sign(challenge: Challenge.message(
                id: answers[i].id, nonce: answers[i].nonce, partyID: pairs[pair].party.id, partyName: "Bench", handle: answers[i].handle))
            let body = Components.Schemas.VerificationRequest.device(.init(
                mode: .device, consentToken: try pairs[pair].party.present(token), challengeId: answers[i].id, signature: Base64.encodeURL(signature)))
            return LoadRequest(try pairs[pair].party.presigner(target).request(.post, "/v1/verifications", body: body), target: target)
        }
        return try await load("POST /v1/verifications (device mode)", plans)
    }

    /// An approved party and a template of the holder's that it may verify against.
    private struct Pair {
        let template: String
        let party: Principal
    }

    /// A registered holder or party: its key, id and a client signing as it.
    private struct Principal {
        let key: Curve25519.Signing.PrivateKey
        let id: String
        let api: Client

        /// Registers a fresh key through `call` (given a client signing as the key and the key in base64url).
        static func register(_ base: URL, _ call: (Client, String) async throws -> String) async throws -> Principal {
            let key = Curve25519.Signing.PrivateKey()
            let publicKey = Base64.encodeURL(key.publicKey.rawRepresentation)
            let id = try await call(Client.signed(server: base, key: key, keyID: publicKey), publicKey)
            return Principal(key: key, id: id, api: Client.signed(server: base, key: key, keyID: id))
        }

        /// A party's presentation of a consent token: the token with a fresh key-binding JWT.
        func present(_ token: String) throws -> String {
            try ConsentPresentation.present(token, at: Date(), with: key).orThrow()
        }

        /// Presigns requests as this principal for `target`.
        func presigner(_ target: LoadTarget) -> RequestPresigner {
            RequestPresigner(base: target.base, key: key, keyID: id)
        }
    }

    /// The header argument of calls with a body; the signing middleware writes the real digest.
    private static let digest = RequestSigningMiddleware.digestPlaceholder

    /// Reads answers the load generator collected (timestamps are RFC 3339, as the API sends them).
    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Creates one permission per request through the API, for pair `i % pairs.count`,
    /// concurrently over the same generator, in batches so that progress shows on standard error.
    /// - Returns: the permission tokens of each pair.
    private func createPermissions(holder: Principal, pairs: [Pair], targets: [LoadTarget]) async throws -> [[String]] {
        var tokens = Array(repeating: [String](), count: pairs.count)
        let index = Dictionary(uniqueKeysWithValues: pairs.enumerated().map { ($1.template + " " + $1.party.id, $0) })
        var created = 0
        let batch = max(1000, requests / 10)
        while created < requests {
            let count = min(batch, requests - created)
            let plans = try LoadPlan.deal(count, connections: connections, targets: targets) { i, target in
                let pair = pairs[(created + i) % pairs.count]
                let body = Components.Schemas.PermissionRequest(templateId: pair.template, partyId: pair.party.id)
                return LoadRequest(try holder.presigner(target).request(.post, "/v1/permissions", body: body), target: target)
            }
            let result = try await LoadGenerator.run(plans, expect: 201, keepBodies: true, timeout: .seconds(timeout), threads: clientThreads)
            if let first = result.firstUnexpected {
                printError("signet-bench api: creating permissions: \(result.unexpected) answers were not 201; the first: \(first.status) \(first.body)")
                throw ExitCode.failure
            }
            // Answers arrive connection by connection; each names the pair it is for.
            for body in result.bodies {
                guard let permission = try? Self.decoder.decode(Components.Schemas.Grant.self, from: Data(body)),
                      let pair = index[(permission.templateId ?? "") + " " + permission.partyId], let token = permission.token else {
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
