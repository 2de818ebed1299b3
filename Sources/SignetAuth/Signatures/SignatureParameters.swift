import RawStructuredFieldValues
import SignetCore

/// The parameters of one signature: `created`, `expires`, `keyid`, `nonce`, `alg` and `tag`.
///
/// Order matters, because the `@signature-params` line repeats the parameters exactly as the
/// signer wrote them; a parsed value keeps the order it arrived in.
/// ```
/// ;created=1618884473;keyid="test-key-ed25519";nonce="b3k2pp5k7z-50gnwp.yemd";alg="ed25519"
/// ```
// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.3
public struct SignatureParameters: Hashable, Sendable {
    /// A parameter name defined by RFC 9421 §2.3.
    public enum Name: String, Hashable, Sendable, CaseIterable {
        case created, expires, keyid, nonce, alg, tag
    }

    enum Value: Hashable, Sendable {
        case integer(Int64)
        case string(String)
    }

    struct Entry: Hashable, Sendable {
        var name: Name
        var value: Value
    }

    /// The parameters in wire order.
    private(set) var entries: [Entry]

    /// Creates parameters in the order `created`, `expires`, `keyid`, `nonce`, `alg`, `tag`,
    /// leaving out each one that is `nil`.
    /// - Parameters:
    ///   - created: Creation time, whole seconds since the Unix epoch.
    ///   - expires: Expiry time, whole seconds since the Unix epoch.
    ///   - keyID: The key identifier.
    ///   - nonce: A value unique per signature, for replay protection.
    ///   - algorithm: The algorithm name, for example `ed25519`.
    ///   - tag: An application-specific tag.
    public init(
        created: Int64? = nil,
        expires: Int64? = nil,
        keyID: String? = nil,
        nonce: String? = nil,
        algorithm: String? = nil,
        tag: String? = nil
    ) {
        var entries: [Entry] = []
        if let created { entries.append(Entry(name: .created, value: .integer(created))) }
        if let expires { entries.append(Entry(name: .expires, value: .integer(expires))) }
        if let keyID { entries.append(Entry(name: .keyid, value: .string(keyID))) }
        if let nonce { entries.append(Entry(name: .nonce, value: .string(nonce))) }
        if let algorithm { entries.append(Entry(name: .alg, value: .string(algorithm))) }
        if let tag { entries.append(Entry(name: .tag, value: .string(tag))) }
        self.entries = entries
    }

    /// Parses the parameters of a `Signature-Input` inner list.
    ///
    /// Strict: every parameter MUST be one of the six above, with its type (integer for times,
    /// string otherwise); integers MUST NOT be negative.
    /// - Throws: ``HTTPSignatureError`` with code `malformedSignature` otherwise.
    init(parsing parameters: OrderedMap<String, RFC9651BareItem>) throws {
        var entries: [Entry] = []
        for (key, item) in parameters {
            guard let name = Name(rawValue: key) else {
                throw HTTPSignatureError(.malformedSignature, "unknown signature parameter")
            }
            switch (name, item) {
            case (.created, .integer(let value)), (.expires, .integer(let value)):
                guard value >= 0 else { throw HTTPSignatureError(.malformedSignature, "negative time") }
                entries.append(Entry(name: name, value: .integer(value)))
            case (.keyid, .string(let value)), (.nonce, .string(let value)), (.alg, .string(let value)),
                (.tag, .string(let value)):
                entries.append(Entry(name: name, value: .string(value)))
            default:
                throw HTTPSignatureError(.malformedSignature, "signature parameter has the wrong type")
            }
        }
        self.entries = entries
    }

    /// `created`, in seconds since the Unix epoch.
    public var created: Int64? { integer(.created) }
    /// `expires`, in seconds since the Unix epoch.
    public var expires: Int64? { integer(.expires) }
    /// `keyid`.
    public var keyID: String? { string(.keyid) }
    /// `nonce`.
    public var nonce: String? { string(.nonce) }
    /// `alg`.
    public var algorithm: String? { string(.alg) }
    /// `tag`.
    public var tag: String? { string(.tag) }

    /// The parameters as structured-field parameters, in wire order.
    var structuredFieldParameters: OrderedMap<String, RFC9651BareItem> {
        var map = OrderedMap<String, RFC9651BareItem>()
        for entry in entries {
            switch entry.value {
            case .integer(let value): map[entry.name.rawValue] = .integer(value)
            case .string(let value): map[entry.name.rawValue] = .string(value)
            }
        }
        return map
    }

    private func integer(_ name: Name) -> Int64? {
        guard case .integer(let value) = entries.first(where: { $0.name == name })?.value else { return nil }
        return value
    }

    private func string(_ name: Name) -> String? {
        guard case .string(let value) = entries.first(where: { $0.name == name })?.value else { return nil }
        return value
    }
}
