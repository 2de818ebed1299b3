import SignetTesting
import Crypto
import Foundation
import SignetMarket
import SignetStore
import Testing

struct AdminCommandTests {
    @Test func operatorListsAndApprovesAPendingParty() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = try await SQLiteIdentityStorage.open(path: directory.path + "/signet.sqlite")
        let party = try Party(id: .random(.party), name: "Corner Shop", contact: "ops@shop.example",
                              publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation), status: .pending, registeredAt: Date())
        try await store.insert(party)
        let pending = try runProcess(signetBinary, ["admin", "party", "list", "--data-dir", directory.path, "--status", "pending"])
        #expect(pending.status == 0)
        #expect(pending.stdout.contains("\(party.id)\tpending\tCorner Shop"))
        let approve = try runProcess(signetBinary, ["admin", "party", "approve", "--data-dir", directory.path, party.id.rawValue])
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(try await store.party(party.id)?.status == .approved)
        let unknown = try runProcess(signetBinary, ["admin", "party", "approve", "--data-dir", directory.path, PrincipalID.random(.party).rawValue])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no party"))
        await store.close()
    }
}
