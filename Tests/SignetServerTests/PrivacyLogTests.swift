import Crypto
import Synchronization
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import SignetAPI
import SignetClient
import SignetCore
import SignetServer
import SignetService
import SignetVault
import Testing

/// No log line, at any level, carries what a breach of the logs must not yield: embeddings,
/// template bytes, keys, permission tokens, challenge nonces, device signatures or a stable
/// holder id. Checked over a full flow with swift-log's in-memory handler at trace level.
struct PrivacyLogTests {
    @Test func aFullFlowLogsNothingPersonalOrSecret() async throws {
        let logs = InMemoryLogHandler()
        var traced = Logger(label: "privacy-test") { _ in logs }
        traced.logLevel = .trace
        let logger = traced
        let collected = Mutex<[String]>([])
        try await RegistrationRoutesTests.withService { service in
            let app = Application(router: SignetApplication.router(ledger: service.ledger, service: service, logger: logger), logger: logger)
            try await app.test(.router) { client in
                let (alice, face, template, shop) = try await enrolledScene(client, service)
                let token = try await alice.permit(party: shop.id, template: template)
                _ = try await shop.verify(token: token, probe: face)
                let deviceToken = try await alice.permit(party: shop.id, template: template)
                let challenge = try await shop.challenge(token: deviceToken)
                let signature = try await alice.sign(template: template, sample: face, challengeID: challenge.id, nonce: challenge.nonce, party: shop.id, handle: challenge.handle)
                _ = try await shop.answer(token: deviceToken, challenge: challenge.id, signature: signature)
                _ = try await alice.activity()
                // Refusals log too: a spent token, an impostor's probe.
                _ = try await refusal(try await shop.verify(token: token, probe: face))
                let document = try await alice.api.getTemplate(path: .init(templateId: template)).ok.body.json
                collected.withLock { secrets in
                    secrets += face.prefix(8).map { "\($0)" }
                    secrets += [alice.id, token, deviceToken, challenge.nonce, Base64.encodeURL(signature), String(document.template.prefix(40))]
                    secrets += [alice.key, shop.key].flatMap { [Base64.encodeURL($0.rawRepresentation), Base64.encode($0.rawRepresentation)] }
                }
            }
        }
        let lines = logs.entries.map { entry in
            "\(entry.message) \(entry.metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) \(entry.error.map { "\($0)" } ?? "")"
        }
        #expect(!lines.isEmpty, "the flow logged nothing, so this test would prove nothing")
        let secrets = collected.withLock { $0 }
        #expect(secrets.count > 10)
        for secret in secrets where secret.count >= 6 {
            let leaks = lines.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "\(secret.prefix(12))… appears in: \(leaks.first ?? "")")
        }
    }
}
