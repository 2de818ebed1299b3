import CompressNIO
public import Foundation
import NIOCore
import SignetCore

/// The revocation status of every consent token, as a Token Status List
/// (draft-ietf-oauth-status-list): two bits per token, at the token's `status.status_list.idx`.
///
/// Two bits so the watch can mark a frozen grant SUSPENDED (0x02) beside INVALID (0x01).
public enum GrantStatusList {
    /// Bits per token.
    public static let bits = 2
    /// The value of a revoked token.
    public static let invalid: UInt8 = 0x01
    /// How long a relying party may cache the list, seconds (the token's `ttl`).
    public static let timeToLive = 60

    /// The value of a grant the watch froze.
    public static let suspended: UInt8 = 0x02

    /// The status bytes for `size` tokens with `revoked` set INVALID and `suspended` SUSPENDED;
    /// index 0 is the least significant bits of byte 0 (the draft's §4.1).
    public static func bytes(size: Int, revoked: [Int], suspended: [Int] = []) -> [UInt8] {
        let perByte = 8 / bits
        var bytes = [UInt8](repeating: 0, count: max(1, (size + perByte - 1) / perByte))
        for (indices, value) in [(revoked, invalid), (suspended, Self.suspended)] {
            for index in indices where index >= 0 && index < size {
                bytes[index / perByte] |= value << UInt8((index % perByte) * bits)
            }
        }
        return bytes
    }

    /// `lst`: the bytes compressed with DEFLATE in the ZLIB format (RFC 1950), in base64url.
    public static func encode(_ bytes: [UInt8]) throws -> String {
        var buffer = ByteBuffer(bytes: bytes)
        let compressed = try buffer.compress(with: .zlib(configuration: .init(compressionLevel: 9)))
        return Base64.encodeURL(compressed.readableBytesView)
    }

    /// The payload of the status list token.
    struct Claims: Codable {
        struct List: Codable {
            let bits: Int
            let lst: String
        }

        let sub: String
        let iat: Int
        let exp: Int
        let ttl: Int
        let status_list: List
    }
}
