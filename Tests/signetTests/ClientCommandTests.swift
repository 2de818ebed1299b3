import Crypto
import Foundation
import SignetLog
import Logging
import SignetMarket
import SignetServer
import SignetStore
import SignetVault
import Testing

/// `signet holder …` and `signet party …` against a live in-process server.
struct ClientCommandTests {
    @Test func holderAndPartyCommandsCompleteTheStory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.path + "/data"
        let ledger = try await Ledger.open(LedgerConfiguration(dataDirectory: data, origin: "client.test/log"), logger: Logger(label: "t"))
        let identities = try await SQLiteIdentityStorage.open(path: data + "/signet.sqlite")
        let templates = try await SQLiteTemplateStorage.open(path: data + "/signet.sqlite")
        let api = APIServices(identities: identities, nonces: identities, activity: identities, templates: templates,
                              permissions: identities, rateLimits: identities, results: await ResultSigner(privateKey: .init()),
                              vault: try VaultConfiguration(dimension: 16, alpha: 4, kdf: .insecureTesting), configuration: APIConfiguration(publicURL: nil))
        let face = (0..<16).map { _ in Double.random(in: -1...1) }
        try JSONEncoder().encode(face).write(to: URL(fileURLWithPath: directory.path + "/face.json"))
        try face.map { String($0) }.joined(separator: " ").write(toFile: directory.path + "/probe.txt", atomically: true, encoding: .utf8)
        let vkey = ledger.verifier.vkey
        let home = directory.path + "/home"
        let partyHome = directory.path + "/party-home"

        try await withServer(ledger, api: api) { url in
            let server = String(url.dropLast("/log/".count))
            func signet(_ arguments: [String], home: String) async throws -> ProcessResult {
                try await runProcessAsync(signetBinary, arguments + ["--server", server, "--home", home])
            }
            let holderID = try await signet(["holder", "init"], home: home)
            #expect(holderID.status == 0, "\(holderID.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: home + "/holder.pem")[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try String(contentsOfFile: home + "/holder.pem", encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))

            let enrolled = try await signet(["holder", "enroll", "--embedding", directory.path + "/face.json"], home: home)
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            let template = String(enrolled.stdout.split(separator: " ")[1])

            let party = try await signet(["party", "register", "--name", "Corner Shop", "--contact", "ops@shop.example"], home: partyHome)
            #expect(party.status == 0, "\(party.stderr)")
            let partyID = party.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            // Before approval the shop is refused with a clear line.
            let early = try await signet(["holder", "permit", "--template", template, "--party", partyID], home: home)
            let earlyVerify = try await signet(["party", "verify", "--template", template, "--token=" + early.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--probe", directory.path + "/probe.txt"], home: partyHome)
            #expect(earlyVerify.status == 1)
            #expect(earlyVerify.stderr.contains("party_not_approved"))
            _ = try await identities.setStatus(.approved, of: try #require(PrincipalID(partyID)))

            let token = try await signet(["holder", "permit", "--template", template, "--party", partyID], home: home)
            #expect(token.status == 0)
            let verified = try await signet(["party", "verify", "--template", template, "--token=" + token.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--probe", directory.path + "/probe.txt"], home: partyHome)
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdout.hasPrefix("match ledger_index "))

            let activity = try await signet(["holder", "activity", "--vkey", vkey], home: home)
            #expect(activity.status == 0, "\(activity.stderr)")
            let lines = activity.stdout.split(separator: "\n")
            #expect(lines.count == 4)  // enroll, 2 grants, use
            #expect(lines.allSatisfy { $0.hasPrefix("✓") })

            // Without a registered holder the command says what to do.
            let stranger = try await signet(["holder", "enroll", "--embedding", directory.path + "/face.json"], home: directory.path + "/nobody")
            #expect(stranger.status != 0)
            #expect(stranger.stderr.contains("signet holder init"))
        }
        await identities.close()
        await templates.close()
        await ledger.close()
    }
}
