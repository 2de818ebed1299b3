import Crypto
import Foundation
import SignetCore
import SignetMarket
import SignetService
import Testing

/// A holder rotates their key with both keys' consent; the operator revokes keys; both are logged.
struct KeyManagementTests {
    static func privateKey(_ number: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: number, count: 32))
    }

    @Test func aRotationNeedsTheNewKeysSignatureAndIsLogged() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let old = ServiceFixture.publicKey(1)
        let new = Self.privateKey(9)
        let newKey = Array(new.publicKey.rawRepresentation)
        let message = KeyRotation.message(principal: alice, oldKey: old, newKey: newKey)

        // A proof by another key, over another message, or the same key again: refused.
        await #expect(throws: ServiceError(.invalidField, "")) {
            try await service.rotateKey(to: newKey, proof: Array(try Self.privateKey(8).signature(for: message)), as: alice, signedWith: old)
        }
        await #expect(throws: ServiceError(.invalidField, "")) {
            try await service.rotateKey(to: newKey, proof: Array(try new.signature(for: Array("something else".utf8))), as: alice, signedWith: old)
        }
        await #expect(throws: ServiceError(.invalidField, "")) {
            try await service.rotateKey(to: old, proof: Array(try Self.privateKey(1).signature(for: KeyRotation.message(principal: alice, oldKey: old, newKey: old))), as: alice, signedWith: old)
        }
        // Onto a key another holder registered: a conflict, and nothing changed.
        _ = try await fixture.holder(7)
        let takenMessage = KeyRotation.message(principal: alice, oldKey: old, newKey: ServiceFixture.publicKey(7))
        await #expect(throws: ServiceError(.conflict, "")) {
            try await service.rotateKey(to: ServiceFixture.publicKey(7), proof: Array(try Self.privateKey(7).signature(for: takenMessage)), as: alice, signedWith: old)
        }
        #expect(try await service.stores.identities.activeKey(of: alice) == old)

        let change = try await service.rotateKey(to: newKey, proof: Array(try new.signature(for: message)), as: alice, signedWith: old)
        #expect(try await service.stores.identities.activeKey(of: alice) == newKey)
        let events = try await service.activity(as: alice).entries.map(\.record)
        #expect(events.last?.kind == "rotate_key" && events.last?.ledgerIndex == change.ledgerIndex)
        // A request verified under the old key (cached somewhere) cannot rotate the new key away.
        let attacker = Self.privateKey(6)
        let takeover = KeyRotation.message(principal: alice, oldKey: newKey, newKey: Array(attacker.publicKey.rawRepresentation))
        await #expect(throws: ServiceError(.conflict, "")) {
            try await service.rotateKey(to: Array(attacker.publicKey.rawRepresentation), proof: Array(try attacker.signature(for: takeover)),
                                        as: alice, signedWith: old)
        }
        #expect(try await service.stores.identities.activeKey(of: alice) == newKey)
        // A party cannot rotate through the holder workflow.
        let shop = try await fixture.party(2)
        await #expect(throws: ServiceError(.holderOnly, "")) {
            try await service.rotateKey(to: newKey, proof: Array(try new.signature(for: message)), as: shop, signedWith: ServiceFixture.publicKey(2))
        }
    }

    @Test func theOperatorRevokesHolderAndPartyKeys() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)

        let holderRevocation = try await service.revokeKey(of: alice.rawValue)
        #expect(try await service.stores.identities.activeKey(of: alice) == nil)
        // The holder's revocation is a holder event (pseudonymous in the log, in her activity).
        #expect(try await service.activity(as: alice).entries.last?.record.kind == "revoke_key")
        let partyRevocation = try await service.revokeKey(of: shop.rawValue)
        #expect(partyRevocation.ledgerIndex > holderRevocation.ledgerIndex)
        let entry = try LedgerEvent(parsing: try await service.ledger.entry(at: partyRevocation.ledgerIndex))
        #expect(entry.kind == .revokePartyKey && entry.party == shop.rawValue && entry.pseudonym == nil)

        await #expect(throws: ServiceError(.notFound, "")) { try await service.revokeKey(of: shop.rawValue) }
        await #expect(throws: ServiceError(.invalidField, "")) { try await service.revokeKey(of: "t_nobody") }
    }
}
