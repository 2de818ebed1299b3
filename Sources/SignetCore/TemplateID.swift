/// A protected template's id: `t_` followed by 16 random bytes in base64url (22 characters).
///
/// Deliberate: ids carry no personal data and cannot be enumerated. Text that is not one
/// (`TemplateID("…")` is `nil`) names no template, and callers answer as for an unknown one.
public struct TemplateID: Hashable, Sendable, CustomStringConvertible {
    /// The full identifier text.
    public let rawValue: String

    /// Parses an id; `nil` unless it has the exact shape of one.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard text.utf8.count == 24, text.hasPrefix("t_"), let bytes = Base64.decodeURL(text.dropFirst(2)), bytes.count == 16 else {
            return nil
        }
        rawValue = text
    }

    private init(uncheckedRawValue: String) {
        rawValue = uncheckedRawValue
    }

    /// A new random id.
    public static func random(using random: any RandomBytesGenerator = SystemRandomBytes()) -> TemplateID {
        TemplateID(uncheckedRawValue: "t_" + Base64.encodeURL(random.bytes(16)))
    }

    public var description: String { rawValue }
}
