import SignetLog
import SignetCore
import Crypto
import Foundation
import SignetMarket
import SignetService
import SignetStore
import SignetTesting
import Testing

struct AdminCommandTests {
    /// A deployment's stores in `directory` holding one party; with its log (and key) unless
    /// `withLog` is false, as before an operator acts on it.
    static func deployment(in directory: TemporaryDirectory, party status: PartyStatus, withLog: Bool = true) async throws -> (Stores, Party) {
        if withLog {
            await (try await TestLedger.open(LedgerConfiguration(dataDirectory: directory.path, origin: "admin.test/log"))).close()
        }
        let stores = try await Stores.open(.embedded(dataDirectory: directory.path))
        let party = try Party(id: .random(), name: "Corner Shop", contact: "ops@shop.example",
                              publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation), status: status, registeredAt: Date())
        try await stores.identities.insert(party)
        return (stores, party)
    }

    @Test func operatorListsApprovesAndSuspendsAPartyAndTheLedgerRecordsIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (stores, party) = try await Self.deployment(in: directory, party: .pending)
        let pending = try runProcess(signetBinary, ["admin", "party", "list", "--data-dir", directory.path, "--status", "pending"])
        #expect(pending.status == 0)
        #expect(pending.stdout.contains("\(party.id)\tpending\tCorner Shop"))
        let approve = try runProcess(signetBinary, ["admin", "party", "approve", "--data-dir", directory.path, party.id.rawValue])
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(approve.stdout.contains("approved\tCorner Shop\tledger index 0"))
        #expect(try await stores.identities.party(party.id)?.status == .approved)
        // The approval time is kept: the running server's watch reads it from the record.
        let approvedAt = try #require(try await stores.identities.party(party.id)?.approvedAt)
        let listed = try runProcess(signetBinary, ["admin", "party", "list", "--data-dir", directory.path])
        #expect(listed.stdout.contains("\tapproved \(approvedAt.formatted(.iso8601))"), "\(listed.stdout)")
        let suspend = try runProcess(signetBinary, ["admin", "party", "suspend", "--data-dir", directory.path, party.id.rawValue])
        #expect(suspend.status == 0, "\(suspend.stderr)")
        #expect(try await stores.identities.party(party.id)?.status == .suspended)
        // Both decisions are public ledger entries naming the party, and nothing else.
        var types: [String] = []
        for entry in try await stores.log.entries(from: 0, count: 2) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(entry)) as? [String: Any])
            #expect(object["party"] as? String == party.id.rawValue)
            #expect(object["holder"] == nil)
            types.append(try #require(object["type"] as? String))
        }
        #expect(types == ["approve", "suspend"])
        let unknown = try runProcess(signetBinary, ["admin", "party", "approve", "--data-dir", directory.path, PrincipalID.random(.party).rawValue])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no party"))
        let malformed = try runProcess(signetBinary, ["admin", "party", "suspend", "--data-dir", directory.path, "h_nope"])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("is not a party id"))
        await stores.close()
    }

    @Test func operatorRevokesAKeyAndTheLedgerRecordsIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (stores, party) = try await Self.deployment(in: directory, party: .approved)
        let revoke = try runProcess(signetBinary, ["admin", "key", "revoke", "--data-dir", directory.path, party.id.rawValue])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("\(party.id)\tkey revoked\tledger index 0"))
        #expect(try await stores.identities.activeKey(of: party.id.principal) == nil)
        let entry = try #require(try await stores.log.entries(from: 0, count: 1).first)
        #expect(try LedgerEvent(parsing: entry).kind == .revokePartyKey)
        let again = try runProcess(signetBinary, ["admin", "key", "revoke", "--data-dir", directory.path, party.id.rawValue])
        #expect(again.status == 1 && again.stderr.contains("no principal"))
        let malformed = try runProcess(signetBinary, ["admin", "key", "revoke", "--data-dir", directory.path, "t_nope"])
        #expect(malformed.status != 0 && malformed.stderr.contains("is not a holder"))
        await stores.close()
    }

    @Test func decisionsNeedTheDeploymentsLogKeyAndNeverMakeOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (stores, party) = try await Self.deployment(in: directory, party: .pending, withLog: false)
        // Listing is a read: it needs no key.
        let list = try runProcess(signetBinary, ["admin", "party", "list", "--data-dir", directory.path])
        #expect(list.status == 0, "\(list.stderr)")
        let approve = try runProcess(signetBinary, ["admin", "party", "approve", "--data-dir", directory.path, party.id.rawValue])
        #expect(approve.status == 1)
        #expect(approve.stderr.contains("no log key"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/log.key"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/results.key"))
        #expect(try await stores.identities.party(party.id)?.status == .pending)
        await stores.close()
    }
}

extension AdminCommandTests {
    /// `signet admin protocol propose|show|activate` on a deployment: a bad file is refused
    /// with its line, a good one proposed with notice and not activated before it ends.
    @Test func operatorProposesAProtocolVersionThatWaitsForItsNotice() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (stores, _) = try await Self.deployment(in: directory, party: .approved)
        await stores.close()
        var rules = TrustProtocol.standard
        rules.version = 3
        let good = String(decoding: try rules.canonicalJSON(), as: UTF8.self).replacingOccurrences(of: "{\"check\"", with: "\n{\"check\"")
        let bad = good.replacingOccurrences(of: "\"kind\":\"no_onward_transfer\"", with: "\"kind\":\"teleport\"")
        try Data(good.utf8).write(to: URL(fileURLWithPath: directory.path + "/v3.json"))
        try Data(bad.utf8).write(to: URL(fileURLWithPath: directory.path + "/bad.json"))

        let refused = try runProcess(signetBinary, ["admin", "protocol", "propose", "--data-dir", directory.path, directory.path + "/bad.json"])
        #expect(refused.status != 0 && refused.stderr.contains("unknown rule kind") && refused.stderr.contains("line "), "\(refused.stderr)")
        let proposed = try runProcess(signetBinary, ["admin", "protocol", "propose", "--data-dir", directory.path, "--notice-days", "7",
                                                     directory.path + "/v3.json"])
        #expect(proposed.status == 0 && proposed.stdout.contains("version 3 proposed"), "\(proposed.stderr)")
        let shown = try runProcess(signetBinary, ["admin", "protocol", "show", "--data-dir", directory.path])
        #expect(shown.status == 0 && shown.stderr.contains("version 2 in force") && shown.stderr.contains("version 3 ("), "\(shown.stderr)")
        let early = try runProcess(signetBinary, ["admin", "protocol", "activate", "--data-dir", directory.path, "3"])
        #expect(early.status != 0 && early.stderr.contains("notice period"), "\(early.stderr)")
    }
}
