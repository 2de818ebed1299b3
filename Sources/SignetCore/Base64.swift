import Foundation

/// Strict RFC 4648 base64 helpers shared by the log, the vault and the server.
public enum Base64 {
    /// Standard base64 (RFC 4648 §4) with padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes standard base64 with padding, refusing anything non-canonical.
    ///
    /// Deliberate: Foundation accepts some non-canonical encodings (for example non-zero
    /// trailing bits); re-encoding and comparing makes every value have exactly one spelling,
    /// which signed formats rely on.
    /// - Returns: the bytes, or `nil` when `string` is not canonical base64.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        guard let data = Data(base64Encoded: String(string)) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == string else { return nil }
        return bytes
    }

    /// base64url without padding (RFC 4648 §5), as used by JOSE and HTTP message signatures.
    public static func encodeURL(_ bytes: some Sequence<UInt8>) -> String {
        encode(bytes)
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url without padding, refusing anything non-canonical.
    public static func decodeURL(_ string: some StringProtocol) -> [UInt8]? {
        guard !string.contains("="), !string.contains("+"), !string.contains("/") else { return nil }
        var standard = string
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return decode(standard)
    }
}
