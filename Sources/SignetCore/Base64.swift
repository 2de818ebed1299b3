/// Strict RFC 4648 base64 helpers shared by the log, the vault and the server.
///
/// Written over bytes rather than through Foundation: ids, tokens, keys and signatures are
/// encoded and decoded several times per API request, and the Foundation route (Data, then
/// string replacement for the URL alphabet) showed up in the server's profile.
public enum Base64 {
    /// Standard base64 (RFC 4648 §4) with padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        encode(Array(bytes), alphabet: standardAlphabet, padding: true)
    }

    /// Decodes standard base64 with padding, refusing anything non-canonical (missing padding,
    /// non-zero trailing bits, characters outside the alphabet), so every value has exactly one
    /// spelling, which signed formats rely on.
    /// - Returns: the bytes, or `nil` when `string` is not canonical base64.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        decode(Array(string.utf8), values: standardValues, padding: true)
    }

    /// base64url without padding (RFC 4648 §5), as used by JOSE and HTTP message signatures.
    public static func encodeURL(_ bytes: some Sequence<UInt8>) -> String {
        encode(Array(bytes), alphabet: urlAlphabet, padding: false)
    }

    /// Decodes base64url without padding, refusing anything non-canonical.
    public static func decodeURL(_ string: some StringProtocol) -> [UInt8]? {
        decode(Array(string.utf8), values: urlValues, padding: false)
    }

    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let standardValues = values(of: standardAlphabet)
    private static let urlValues = values(of: urlAlphabet)
    private static let invalid: UInt8 = 0xFF
    private static let pad = UInt8(ascii: "=")

    /// The 6-bit value of each ASCII byte, or `invalid`.
    private static func values(of alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], padding: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(alphabet[Int(group >> 6 & 63)])
            out.append(alphabet[Int(group & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let group = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            if padding { out.append(contentsOf: [pad, pad]) }
        case 2:
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(alphabet[Int(group >> 6 & 63)])
            if padding { out.append(pad) }
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decode(_ text: [UInt8], values: [UInt8], padding: Bool) -> [UInt8]? {
        var characters = text[...]
        if padding {
            guard text.count % 4 == 0 else { return nil }
            if characters.last == pad { characters = characters.dropLast() }
            if characters.last == pad { characters = characters.dropLast() }
        }
        // A final group of one character cannot carry a byte.
        guard characters.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(characters.count * 3 / 4)
        var group: UInt32 = 0
        var filled = 0
        for character in characters {
            let value = values[Int(character)]
            guard value != invalid else { return nil }
            group = group << 6 | UInt32(value)
            filled += 1
            if filled == 4 {
                out.append(UInt8(group >> 16 & 0xFF))
                out.append(UInt8(group >> 8 & 0xFF))
                out.append(UInt8(group & 0xFF))
                group = 0
                filled = 0
            }
        }
        switch filled {
        case 2:
            // 12 bits for one byte: the last 4 must be zero in the canonical spelling.
            guard group & 0xF == 0 else { return nil }
            out.append(UInt8(group >> 4 & 0xFF))
        case 3:
            // 18 bits for two bytes: the last 2 must be zero.
            guard group & 0x3 == 0 else { return nil }
            out.append(UInt8(group >> 10 & 0xFF))
            out.append(UInt8(group >> 2 & 0xFF))
        default:
            break
        }
        return out
    }
}
