import Foundation
public import SignetAPI
import SignetCore
import SignetMarket
public import SignetVault

extension Client {
    /// What a holder's device does before answering challenges: download the holder's protected
    /// template and unlock its signing key with a fresh sample, which never leaves this process.
    ///
    /// `profile` is the server's vault profile for a template enrolled under a calibrated one
    /// (its centring runs here); `nil` only normalises, as the built-in synthetic profile does.
    /// - Throws: ``DeviceKeyError`` when the template is unreadable, was enrolled under another
    ///   profile, or the sample does not unlock it; ``ServerProblem`` (inside the runtime's
    ///   `ClientError`) when the server refuses.
    public func unlockDeviceKey(template: String, sample: [Float], profile: VaultProfile? = nil) async throws -> TemplateSigningKey {
        let document = try await getTemplate(path: .init(templateId: template)).ok.body.json
        guard let bytes = Base64.decodeURL(document.template) else {
            throw DeviceKeyError(description: "the server sent an unreadable template")
        }
        let protected = try ProtectedTemplate(serializedBytes: bytes)
        do {
            return try IronMask.device(for: protected, profile: profile).unlockSigningKey(probe: sample, template: protected)
        } catch let error as VaultError where error.code == .preprocessorMismatch {
            throw DeviceKeyError(description: "the template was enrolled under another vault profile; pass the server's profile file with --vault-profile")
        } catch let error as VaultError where error.code == .authenticationFailure {
            throw DeviceKeyError(description: "this sample does not unlock the template; take a fresh one")
        }
    }

    /// What a holder's device signs to answer a party's device-mode challenge, and the party's
    /// public name, read from the server's record of `party`, so the holder sees whom they
    /// answer before signing. A party that gave the holder a false id gets a signature the
    /// server refuses, because the server signs over the real party.
    /// - Parameter handle: the permission's handle, from the party's challenge.
    public func challengeMessage(id: String, nonce: String, party: String, handle: String) async throws -> (message: [UInt8], partyName: String) {
        let record = try await getParty(path: .init(partyId: party)).ok.body.json
        return (Challenge.message(id: id, nonce: nonce, partyID: record.id, partyName: record.name, handle: handle), record.name)
    }

    /// The server's result keys as a JWK Set document, for JWTKit's `add(jwksJSON:)`.
    public func resultKeysJSON() async throws -> String {
        let keys = try await getResultKeys().ok.body.json
        return String(decoding: try JSONEncoder().encode(keys), as: UTF8.self)
    }
}

/// Why a device could not unlock its template key; the description is one sentence for the user.
public struct DeviceKeyError: Error, CustomStringConvertible {
    public let description: String
}
