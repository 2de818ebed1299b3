import Crypto
public import Foundation
import SignetCore
public import SignetMarket

/// A key change as recorded: where its event sits in the ledger.
public struct KeyChange: Sendable, Equatable {
    /// The principal whose key changed.
    public let principal: PrincipalID
    /// Where the `rotate_key`, `revoke_key` or `revoke_party_key` event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// A holder's key rotation and the operator's key revocation.
///
/// A rotation is signed by both keys: the request by the old key (RFC 9421, as every request),
/// and the rotation message by the new one, so the new key's holder consents too and nobody
/// can move a holder onto a key they do not hold. A revoked key signs nothing any more; the
/// principal keeps its id and its records, and a holder whose key was revoked registers anew.
extension SignetService {
    /// Replaces the caller's key `oldKey` by `newKey` and logs `rotate_key`; the old key signs
    /// nothing from then on.
    ///
    /// Logged before it takes effect, like the operator's decisions: a crash, a conflict or a
    /// lost race in between leaves a logged rotation that did not take effect (the holder's key
    /// is unchanged and they may try again), never an unlogged one that did.
    /// - Parameters:
    ///   - proof: the new key's Ed25519 signature over `KeyRotation.message(principal:oldKey:newKey:)`.
    ///   - oldKey: the key the caller's request verified under; only that key is replaced, so a
    ///     request verified against a key cached before an earlier rotation changes nothing.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.invalidField` (a malformed key, a proof that
    ///   does not verify, the same key again), `.conflict` (the new key is registered already).
    public func rotateKey(to newKey: [UInt8], proof: [UInt8], as caller: PrincipalID, signedWith oldKey: [UInt8]) async throws -> KeyChange {
        let holder = try requireHolder(caller)
        let newKey = try Self.validated(newKey)
        guard try await stores.identities.activeKey(of: caller) == oldKey else {
            throw ServiceError(.conflict, "the key changed or was revoked; sign again with the current key")
        }
        guard newKey != oldKey else { throw ServiceError(.invalidField, "the new key is the current key") }
        let message = KeyRotation.message(principal: caller, oldKey: oldKey, newKey: newKey)
        guard let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: newKey), verifier.isValidSignature(proof, for: message) else {
            throw ServiceError(.invalidField, "proof is not the new key's signature over the rotation message (signet-key-rotation-v1)")
        }
        let index = try await recorder.record(.rotateKey(holder: holder, newKeyHash: Array(SHA256.hash(data: newKey))), at: now)
        let replaced = try await Self.mappingMarketErrors {
            try await stores.identities.replaceKey(of: caller, from: oldKey, to: newKey)
        }
        // Another rotation (or a revocation) won the race: this one did not take effect.
        guard replaced else { throw ServiceError(.conflict, "the key changed or was revoked while rotating; sign again with the current key") }
        return KeyChange(principal: caller, ledgerIndex: index)
    }

    /// The operator revokes a principal's key (holder or party) and logs `revoke_key` (a
    /// holder's, under a pseudonym) or `revoke_party_key` (a party's, in clear).
    /// - Throws: ``ServiceError`` `.invalidField` (no principal id), `.notFound` (unknown, or revoked already).
    public func revokeKey(of id: String) async throws -> KeyChange {
        guard let principal = PrincipalID(id) else {
            throw ServiceError(.invalidField, "\(id) is not a holder (h_…) or party (p_…) id")
        }
        guard try await stores.identities.activeKey(of: principal) != nil else {
            throw ServiceError(.notFound, "no principal \(id) with an active key")
        }
        let event: SignetEvent
        if let holder = HolderID(principal) {
            event = .revokeHolderKey(holder)
        } else if let party = PartyID(principal) {
            event = .revokePartyKey(party)
        } else {
            throw ServiceError(.invalidField, "\(id) is not a holder (h_…) or party (p_…) id")
        }
        // Deliberate: logged before it takes effect, as every operator decision.
        let index = try await recorder.record(event, at: now)
        guard try await stores.identities.revokeKey(of: principal, at: now) else {
            throw ServiceError(.notFound, "no principal \(id) with an active key")
        }
        return KeyChange(principal: principal, ledgerIndex: index)
    }
}
