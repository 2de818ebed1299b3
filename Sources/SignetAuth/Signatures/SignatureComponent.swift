import HTTPTypes
import SignetCore

/// One covered component of an HTTP message signature: a derived component such as `@method`, or
/// a header field name.
///
/// The identifier is what appears, as a structured-field string, in `Signature-Input` and on the
/// left of each signature base line. Component parameters (`;sf`, `;key`, `;bs`, `;req`, `;tr`)
/// are not supported, so an identifier is its name alone.
// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2
public struct SignatureComponent: Hashable, Sendable, CustomStringConvertible {
    /// The lowercase identifier, for example `@method` or `content-digest`.
    public let identifier: String

    private init(uncheckedIdentifier: String) {
        self.identifier = uncheckedIdentifier
    }

    /// The request method, `POST`. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.1
    public static let method = SignatureComponent(uncheckedIdentifier: "@method")
    /// The full target URI, `https://example.com/foo?a=b`. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.2
    public static let targetURI = SignatureComponent(uncheckedIdentifier: "@target-uri")
    /// The normalised authority, `example.com`. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.3
    public static let authority = SignatureComponent(uncheckedIdentifier: "@authority")
    /// The lowercase scheme, `https`. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.4
    public static let scheme = SignatureComponent(uncheckedIdentifier: "@scheme")
    /// The request target as on the request line, `/foo?a=b`. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.5
    public static let requestTarget = SignatureComponent(uncheckedIdentifier: "@request-target")
    /// The absolute path, `/foo`. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.6
    public static let path = SignatureComponent(uncheckedIdentifier: "@path")
    /// The query with its leading `?`, or `?` alone. // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.7
    public static let query = SignatureComponent(uncheckedIdentifier: "@query")
    /// The `Content-Digest` header field of RFC 9530.
    public static let contentDigest = SignatureComponent(uncheckedIdentifier: "content-digest")

    /// The derived components this implementation can compute.
    public static let derived: [SignatureComponent] = [
        .method, .targetURI, .authority, .scheme, .requestTarget, .path, .query,
    ]

    /// Creates a component for a header field.
    /// - Parameter name: A field name in any case; it is lowercased, as RFC 9421 §2.1 requires.
    /// - Returns: `nil` when `name` is not a valid field name.
    public init?(field name: String) {
        // Pseudo-header names (`:authority`) are reached through derived components instead.
        guard !name.hasPrefix(":"), let fieldName = HTTPField.Name(name) else { return nil }
        self.identifier = fieldName.canonicalName
    }

    /// Parses an identifier received in `Signature-Input`.
    ///
    /// Strict: the identifier MUST already be lowercase, and a derived name MUST be one this
    /// implementation knows; `@signature-params` can never be covered.
    /// - Throws: ``HTTPSignatureError`` with code `malformedSignature` otherwise.
    init(parsing identifier: String) throws {
        if identifier.hasPrefix("@") {
            guard let known = Self.derived.first(where: { $0.identifier == identifier }) else {
                throw HTTPSignatureError(.malformedSignature, "unsupported derived component")
            }
            self = known
            return
        }
        guard let component = SignatureComponent(field: identifier), component.identifier == identifier else {
            throw HTTPSignatureError(.malformedSignature, "component identifier is not a lowercase field name")
        }
        self = component
    }

    /// Whether this is a derived (`@…`) component rather than a header field.
    public var isDerived: Bool { identifier.hasPrefix("@") }

    /// The field name of a header component; `nil` for a derived component.
    var fieldName: HTTPField.Name? { isDerived ? nil : HTTPField.Name(identifier) }

    /// The identifier.
    public var description: String { identifier }
}
