public import Foundation
public import SignetCore

/// A fresh nonce that a holder's device signs with its template key (device-mode verification).
///
/// A challenge rides on one permission: issuing a new one replaces the previous one, and the
/// verification that answers it consumes the permission, so a challenge is single-use by construction.
public struct Challenge: Sendable, Equatable {
    /// `c_` followed by 16 random bytes in base64url.
    public let id: String
    /// 32 random bytes.
    public let nonce: [UInt8]
    /// When an answer stops being accepted.
    public let expiresAt: Date

    /// Creates a record.
    public init(id: String, nonce: [UInt8], expiresAt: Date) {
        self.id = id
        self.nonce = nonce
        self.expiresAt = expiresAt
    }

    /// A new challenge with random id and nonce.
    public static func fresh(expiresAt: Date, using random: any RandomBytesGenerator = SystemRandomBytes()) -> Challenge {
        Challenge(id: "c_" + Base64.encodeURL(random.bytes(16)), nonce: random.bytes(32), expiresAt: expiresAt)
    }

    /// The bytes the device signs: UTF-8 of
    /// `signet-challenge-v3\n<id>\n<base64url nonce>\n<party id>\n<party name>\n<permission handle>`.
    ///
    /// The id and a domain-separating prefix are signed along with the nonce so that a signature
    /// made for one challenge, or for anything else, never answers another. The party and the
    /// permission's handle (``Grant/handle``) are signed so the holder's device shows, and
    /// commits to, whom it answers and under which consent: a party that names itself falsely
    /// to the holder gets a signature the server refuses. The template id is not in the message:
    /// the party never learns it. (A party name has no control characters, so the lines are
    /// unambiguous.)
    public static func message(id: String, nonce: String, partyID: String, partyName: String, handle: String) -> [UInt8] {
        Array("signet-challenge-v3\n\(id)\n\(nonce)\n\(partyID)\n\(partyName)\n\(handle)".utf8)
    }
}
