import SignetClient
import SignetService
import SignetAuth
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SignetCore
import SignetLog
import SignetMarket
import SignetServer
import SignetStore
import SignetTesting
import SignetVault
import Testing

/// Two server instances on one PostgreSQL database: one set of holders, one replay window,
/// one rate limit, one unforked ledger.
struct TwoInstanceTests {
    static var postgresURL: String? { ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"] }

    @Test(.enabled(if: postgresURL != nil, "SIGNET_TEST_POSTGRES_URL is not set; .ci/run sets it"))
    func twoInstancesShareHoldersNoncesLimitsAndTheLedger() async throws {
        let url = try await PostgresTestDatabase.create(from: try #require(Self.postgresURL))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-two-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Both instances share the database and the data directory (log key).
        let configuration = LedgerConfiguration(dataDirectory: directory, origin: "two.test/log")
        let openedA = try await TestLedger.open(configuration, store: .postgres(url: url))
        let openedB = try await TestLedger.open(configuration, store: .postgres(url: url))
        var serviceConfiguration = ServiceConfiguration()
        serviceConfiguration.templateRate = RateLimit(burst: 1, perSecond: 0.001)
        let vault = try VaultConfiguration(dimension: 32, alpha: 4, kdf: .insecureTesting)
        let serviceA = await openedA.service(vault: vault, configuration: serviceConfiguration)
        let serviceB = await openedB.service(vault: vault, configuration: serviceConfiguration)
        let appA = Application(router: SignetApplication.router(ledger: openedA.ledger, service: serviceA))
        let appB = Application(router: SignetApplication.router(ledger: openedB.ledger, service: serviceB))

        try await appA.test(.router) { a in
            try await appB.test(.router) { b in
                // Registered on A, known to B.
                let alice = try await TestHolder.register(a)
                let face = randomEmbedding()
                let template = try await alice.on(b).enroll(face)
                // A request accepted by A is a replay at B.
                let json = embeddingJSON(randomEmbedding())
                let headers = try TestClientSigner(key: alice.key, keyID: alice.id).headers(method: .post, path: "/v1/templates", body: json)
                try await a.execute(uri: "/v1/templates", method: .post, headers: headers, body: ByteBuffer(bytes: json)) { #expect($0.status == .created) }
                try await b.execute(uri: "/v1/templates", method: .post, headers: headers, body: ByteBuffer(bytes: json)) { response in
                    #expect(response.status == .unauthorized)
                }
                // One rate limit: the template's single attempt is spent on A, so B refuses.
                let shop = try await TestParty.register(b)
                _ = try await serviceB.approve(party: shop.id)
                let first = try await alice.permit(party: shop.id, template: template)
                _ = try await shop.on(a).verify(token: first, probe: face)
                let second = try await alice.on(b).permit(party: shop.id, template: template)
                #expect(try await refusal(try await shop.verify(token: second, probe: face))?.status == 429)
            }
        }
        // One ledger: every event from both instances in one tree that verifies.
        let database = try await PostgresDatabase.connect(url: url)
        let storage = PostgresLogStorage(database: database)
        let report = try await LogIntegrity.check(storage: storage, verifier: openedA.ledger.verifier)
        #expect((report.checkpoint?.checkpoint.size ?? 0) >= 6)
        await database.close()
        await openedA.close()
        await openedB.close()
    }
}
