import Crypto
import Foundation
import Testing
@testable import SignetMarket
import SignetCore

struct PrincipalTests {
    @Test(arguments: [PrincipalKind.holder, .party])
    func randomIDsRoundTripAndKeepTheirKind(_ kind: PrincipalKind) throws {
        let id = PrincipalID.random(kind)
        let parsed = try #require(PrincipalID(id.rawValue))
        #expect(parsed == id)
        #expect(parsed.kind == kind)
        #expect(PrincipalID.random(kind) != id)
    }

    @Test(arguments: ["", "h_", "x_AAAAAAAAAAAAAAAAAAAAAA", "h_AAAAAAAAAAAAAAAAAAAAA", "h_AAAAAAAAAAAAAAAAAAAAAAA", "h_AAAAAAAAAAAAAAAAAAAA+A", "h_AAAAAAAAAAAAAAAAAAAAAB"])
    func malformedIDsAreRefused(_ text: String) {
        #expect(PrincipalID(text) == nil)
    }

    @Test(arguments: [("", "ops@x"), ("Shop", ""), (String(repeating: "a", count: 201), "ops@x"), ("Sh\u{0007}op", "ops@x")])
    func partyNamesAndContactsAreValidated(_ name: String, _ contact: String) {
        #expect(throws: MarketError(.invalidField, "")) {
            try Party(id: .random(), name: name, contact: contact, publicKey: [], status: .pending, registeredAt: Date())
        }
    }

    @Test func holderAndPartyIDsAreTypedByTheirKind() throws {
        let holder = PrincipalID.random(.holder)
        let party = PrincipalID.random(.party)
        #expect(HolderID(holder)?.rawValue == holder.rawValue)
        #expect(HolderID(party) == nil)
        #expect(PartyID(party)?.principal == party)
        #expect(PartyID(holder) == nil)
        #expect(PartyID(holder.rawValue) == nil)
        #expect(HolderID("h_not-an-id") == nil)
    }

    @Test func publicKeysMustBeEd25519() throws {
        let key = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(try validatedPublicKey(key) == key)
        #expect(throws: MarketError.self) { try validatedPublicKey(Array(key.dropLast())) }
    }

    @Test func permissionsStoreOnlyTheTokenHash() {
        let token: [UInt8] = Array(repeating: 1, count: 32)
        #expect(Grant.hash(token: token) == Array(SHA256.hash(data: token)))
        #expect(Grant.hash(token: token) != token)
    }
}
