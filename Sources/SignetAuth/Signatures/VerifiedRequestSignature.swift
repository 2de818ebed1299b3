public import Foundation

/// A request signature that ``HTTPMessageVerifier`` has checked: the signature verifies under the
/// key, policy holds, the content digest matches, and the nonce was fresh.
///
/// Only the verifier creates one; its initializer is internal.
public struct VerifiedRequestSignature: Hashable, Sendable {
    /// The label the signature was found under.
    public let label: String
    /// The key id the signature names.
    public let keyID: String
    /// The raw public key the signature verified under (what `keyid` named at that moment).
    public let publicKey: [UInt8]
    /// When the signer says it signed.
    public let created: Date
    /// When the signature stops being valid, if the signer said.
    public let expires: Date?
    /// The nonce, already recorded by the replay check.
    public let nonce: String?
    /// The components the signature covers, in order.
    public let coveredComponents: [SignatureComponent]

    init(
        label: String,
        keyID: String,
        publicKey: [UInt8],
        created: Date,
        expires: Date?,
        nonce: String?,
        coveredComponents: [SignatureComponent]
    ) {
        self.label = label
        self.keyID = keyID
        self.publicKey = publicKey
        self.created = created
        self.expires = expires
        self.nonce = nonce
        self.coveredComponents = coveredComponents
    }
}
