public import SignetCore

/// What a new key signs to consent to replacing a principal's key.
public enum KeyRotation {
    /// UTF-8 of `signet-key-rotation-v1\n<principal id>\n<old key, base64url>\n<new key, base64url>`.
    ///
    /// The request that carries the rotation is signed by the old key (RFC 9421); this message,
    /// signed by the new key, binds the principal and both keys, so nobody can move a principal
    /// onto a key they do not hold, and a signature made for one rotation answers no other.
    public static func message(principal: PrincipalID, oldKey: [UInt8], newKey: [UInt8]) -> [UInt8] {
        Array("signet-key-rotation-v1\n\(principal.rawValue)\n\(Base64.encodeURL(oldKey))\n\(Base64.encodeURL(newKey))".utf8)
    }
}
