import SignetClient
import HTTPTypes
import SignetCore
import SignetVault

extension APIClient {
    /// What a holder's device does before answering challenges: download the holder's protected
    /// template and unlock its signing key with a fresh sample, which never leaves this process.
    /// - Throws: ``DeviceKeyError`` when the template is unreadable or the sample does not unlock it.
    public func unlockDeviceKey(template: String, sample: [Float]) async throws -> TemplateSigningKey {
        let document = try await send(.get, "/v1/templates/\(template)")
        guard let bytes = Base64.decodeURL(document["template"] as? String ?? "") else {
            throw DeviceKeyError(description: "the server sent an unreadable template")
        }
        let protected = try ProtectedTemplate(serializedBytes: bytes)
        do {
            return try IronMask.device(for: protected).unlockSigningKey(probe: sample, template: protected)
        } catch let error as VaultError where error.code == .authenticationFailure {
            throw DeviceKeyError(description: "this sample does not unlock the template; take a fresh one")
        }
    }
}

/// Why a device could not unlock its template key; the description is one sentence for the user.
public struct DeviceKeyError: Error, CustomStringConvertible {
    public let description: String
}
