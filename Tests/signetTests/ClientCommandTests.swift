import SignetTesting
import SignetService
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
        let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: data, origin: "client.test/log"))
        let ledger = opened.ledger
        let service = await opened.service(vault: try VaultConfiguration(dimension: 16, alpha: 4, kdf: .insecureTesting))
        let face = (0..<16).map { _ in Double.random(in: -1...1) }
        try JSONEncoder().encode(face).write(to: URL(fileURLWithPath: directory.path + "/face.json"))
        try face.map { String($0) }.joined(separator: " ").write(toFile: directory.path + "/probe.txt", atomically: true, encoding: .utf8)
        let vkey = ledger.verifier.vkey
        let home = directory.path + "/home"
        let partyHome = directory.path + "/party-home"

        try await withServer(ledger, service: service) { url in
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
            // `holder permit` prints the token (all the party gets) and the permission's handle.
            func tokenAndHandle(_ result: ProcessResult) -> (token: String, handle: String) {
                let fields = result.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                return (fields.first ?? "", fields.count > 1 ? fields[1] : "")
            }
            let early = try await signet(["holder", "permit", "--template", template, "--party", partyID], home: home)
            #expect(tokenAndHandle(early).handle.hasPrefix("g_"))
            let earlyVerify = try await signet(["party", "verify", "--vkey", vkey, "--token=" + tokenAndHandle(early).token, "--probe", directory.path + "/probe.txt"], home: partyHome)
            #expect(earlyVerify.status == 1)
            #expect(earlyVerify.stderr.contains("party_not_approved"))
            _ = try await service.approve(party: partyID)

            let token = try await signet(["holder", "permit", "--template", template, "--party", partyID], home: home)
            #expect(token.status == 0)
            // Without the log's key the party cannot prove the result's event, so it must give one.
            let unproven = try await signet(["party", "verify", "--token=" + tokenAndHandle(token).token, "--probe", directory.path + "/probe.txt"], home: partyHome)
            #expect(unproven.status != 0 && unproven.stderr.contains("--vkey"))
            let verified = try await signet(["party", "verify", "--vkey", vkey, "--token=" + tokenAndHandle(token).token, "--probe", directory.path + "/probe.txt"], home: partyHome)
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdout.hasPrefix("match ledger_index "))
            #expect(verified.stdout.contains("proven in the log at size "))

            // Device mode: the party asks for a challenge, the holder's device answers it.
            let deviceToken = try await signet(["holder", "permit", "--template", template, "--party", partyID], home: home)
            let tokenArgument = "--token=" + tokenAndHandle(deviceToken).token
            let challenge = try await signet(["party", "challenge", tokenArgument], home: partyHome)
            #expect(challenge.status == 0, "\(challenge.stderr)")
            let fields = challenge.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            #expect(fields.count == 3)
            // The party's challenge names the same handle the holder was given, never the template.
            #expect(fields.last == tokenAndHandle(deviceToken).handle)
            let answer = try await signet(["holder", "answer", "--party", partyID, "--template", template, "--challenge", fields[0], "--nonce=" + fields[1],
                                           "--handle", fields[2], "--embedding", directory.path + "/probe.txt"], home: home)
            #expect(answer.status == 0, "\(answer.stderr)")
            #expect(answer.stderr.contains("answering Corner Shop (\(partyID)) for permission \(fields[2]) with template \(template)"))
            let deviceVerified = try await signet(["party", "verify", "--vkey", vkey, tokenArgument, "--challenge", fields[0],
                                                   "--signature=" + answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)], home: partyHome)
            #expect(deviceVerified.status == 0, "\(deviceVerified.stderr)")
            #expect(deviceVerified.stdout.hasPrefix("match ledger_index "))
            // Another face does not unlock the key: the device refuses to sign, with a clear line.
            // (The negated face decodes to the negated codeword, never the enrolled one.)
            let other = face.map { String(-$0) }.joined(separator: " ")
            try other.write(toFile: directory.path + "/other.txt", atomically: true, encoding: .utf8)
            let refused = try await signet(["holder", "answer", "--party", partyID, "--template", template, "--challenge", fields[0], "--nonce=" + fields[1],
                                            "--handle", fields[2], "--embedding", directory.path + "/other.txt"], home: home)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("does not unlock"))

            let activity = try await signet(["holder", "activity", "--vkey", vkey], home: home)
            #expect(activity.status == 0, "\(activity.stderr)")
            let lines = activity.stdout.split(separator: "\n")
            #expect(lines.count == 6)  // enroll, 3 grants, 2 uses
            #expect(lines.allSatisfy { $0.hasPrefix("✓") })

            // The holder rotates their key: the new key signs from then on, and the rotation is logged.
            let oldPEM = try String(contentsOfFile: home + "/holder.pem", encoding: .utf8)
            let rotated = try await signet(["holder", "rotate-key"], home: home)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            #expect(rotated.stdout.hasPrefix("rotated: ledger index "))
            #expect(try String(contentsOfFile: home + "/holder.pem", encoding: .utf8) != oldPEM)
            #expect(!FileManager.default.fileExists(atPath: home + "/holder.pem.new"))
            let keyMode = try FileManager.default.attributesOfItem(atPath: home + "/holder.pem")[.posixPermissions] as? Int
            #expect(keyMode == 0o600)
            let shown = try await signet(["holder", "show"], home: home)
            #expect(shown.status == 0, "\(shown.stderr)")
            let rotatedActivity = try await signet(["holder", "activity", "--vkey", vkey], home: home)
            #expect(rotatedActivity.stdout.split(separator: "\n").count == 7)
            #expect(rotatedActivity.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("✓") })

            // The market: a trade code, an offer the protocol refuses (naming the rule), one it lets
            // through, the holder's inbox with the risk report, and declining it.
            let code = try await signet(["holder", "code"], home: home)
            #expect(code.status == 0, "\(code.stderr)")
            let tradeCode = String(code.stdout.split(separator: " ")[0])
            let unfair = try await signet(["party", "offer", "--code", tradeCode, "--purpose", "dpv:Marketing", "--purpose-text", "ads"], home: partyHome)
            #expect(unfair.status == 1 && unfair.stderr.contains("protocol_refused") && unfair.stderr.contains("purpose-matches-scope"))
            let fair = try await signet(["party", "offer", "--code", tradeCode, "--purpose", "dpv:IdentityVerification",
                                         "--purpose-text", "Front desk check-in", "--retention-days", "30", "--price-minor-units", "200"], home: partyHome)
            #expect(fair.status == 0, "\(fair.stderr)")
            let offerID = String(fair.stdout.split(separator: " ")[0])
            let inbox = try await signet(["holder", "offers"], home: home)
            #expect(inbox.stdout.contains("\(offerID) pending from \(partyID)") && inbox.stdout.contains("risk "))
            let declined = try await signet(["holder", "decline", offerID], home: home)
            #expect(declined.status == 0 && declined.stdout.hasPrefix("\(offerID) declined"), "\(declined.stderr)")

            // Without a registered holder the command says what to do.
            let stranger = try await signet(["holder", "enroll", "--embedding", directory.path + "/face.json"], home: directory.path + "/nobody")
            #expect(stranger.status != 0)
            #expect(stranger.stderr.contains("signet holder init"))
        }
        await opened.close()
    }

    /// A base64url token, nonce or signature may start with "-"; the parser must take it as the
    /// option's value, not as an unknown option (this once made the client test fail 1 time in 64).
    @Test func valuesStartingWithADashAreValuesNotOptions() async throws {
        let dashed = "-" + String(repeating: "A", count: 42)
        let result = try await runProcessAsync(signetBinary, [
            "party", "verify", "--vkey", try NoteSigner(generatingFor: "dash.test/log").verifier.vkey, "--token", dashed, "--challenge", "c_x", "--signature", dashed,
            "--server", "http://127.0.0.1:1", "--home", FileManager.default.temporaryDirectory.path + "/signet-no-home-\(UUID().uuidString)",
        ])
        #expect(!result.stderr.contains("Missing value"), "\(result.stderr)")
        #expect(result.stderr.contains("signet party register"), "\(result.stderr)")  // it got as far as looking for the party's key
        let answer = try await runProcessAsync(signetBinary, [
            "holder", "answer", "--party", "p_x", "--template", "t_x", "--challenge", "c_x", "--nonce", dashed, "--handle", "g_x", "--embedding", "/nonexistent",
        ])
        #expect(!answer.stderr.contains("Missing value"), "\(answer.stderr)")
    }
}
