public import HTTPTypes
import RawStructuredFieldValues
import SignetCore

/// The signature base of RFC 9421: the exact bytes an Ed25519 signature covers.
///
/// One line per covered component, then the `@signature-params` line, joined by LF with no
/// trailing newline:
/// ```
/// "@method": POST
/// "@authority": example.com
/// "@signature-params": ("@method" "@authority");created=1618884473;keyid="test-key-ed25519"
/// ```
// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.5
public struct SignatureBase: Sendable {
    /// The covered components, in order.
    public let coveredComponents: [SignatureComponent]
    /// The signature parameters, in order.
    public let parameters: SignatureParameters
    /// The `@signature-params` value, which is also the `Signature-Input` member value.
    public let signatureParams: String
    /// The whole signature base.
    public let text: String

    /// Builds the signature base for a request.
    ///
    /// `@target-uri`, `@scheme` and `@authority` come from `request.scheme` and `request.authority`.
    /// A server SHOULD fill those from its own configuration rather than trust a `Host` header.
    /// - Parameters:
    ///   - request: The request head: method, scheme, authority, path with query, header fields.
    ///   - coveredComponents: The components to cover, in order; each at most once.
    ///   - parameters: The signature parameters.
    /// - Throws: ``HTTPSignatureError`` with code `missingComponent` when a covered component is
    ///   absent from the request, or `malformedSignature` when the list repeats a component or a
    ///   value cannot be serialised.
    public init(
        request: HTTPRequest,
        coveredComponents: [SignatureComponent],
        parameters: SignatureParameters
    ) throws {
        guard Set(coveredComponents).count == coveredComponents.count else {
            throw HTTPSignatureError(.malformedSignature, "a component is covered twice")
        }
        var lines: [String] = []
        lines.reserveCapacity(coveredComponents.count + 1)
        for component in coveredComponents {
            let value = try Self.value(of: component, in: request)
            lines.append("\"\(component.identifier)\": \(value)")
        }
        let signatureParams = try Self.serialize(coveredComponents, parameters)
        lines.append("\"@signature-params\": \(signatureParams)")

        self.coveredComponents = coveredComponents
        self.parameters = parameters
        self.signatureParams = signatureParams
        self.text = lines.joined(separator: "\n")
    }

    /// The bytes to sign or verify.
    public var bytes: [UInt8] { Array(text.utf8) }

    /// The covered components and parameters as a structured-field inner list.
    static func innerList(_ components: [SignatureComponent], _ parameters: SignatureParameters) -> InnerList {
        var bareList = BareInnerList()
        for component in components {
            bareList.append(Item(bareItem: RFC9651BareItem.string(component.identifier), parameters: [:]))
        }
        return InnerList(bareInnerList: bareList, parameters: parameters.structuredFieldParameters)
    }

    private static func serialize(_ components: [SignatureComponent], _ parameters: SignatureParameters) throws -> String {
        // A one-member list serialises exactly as its member, which gives the inner list alone.
        var serializer = StructuredFieldValueSerializer()
        do {
            let bytes = try serializer.writeListFieldValue([.innerList(innerList(components, parameters))])
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw HTTPSignatureError(.malformedSignature, "signature parameters cannot be serialised")
        }
    }

    private static func value(of component: SignatureComponent, in request: HTTPRequest) throws -> String {
        if let fieldName = component.fieldName {
            return try fieldValue(fieldName, in: request)
        }
        switch component {
        case .method:
            return request.method.rawValue
        case .targetURI:
            return "\(try scheme(of: request))://\(try required(request.authority, "authority"))\(try requestTarget(of: request))"
        case .authority:
            return try normalizedAuthority(of: request)
        case .scheme:
            return try scheme(of: request)
        case .requestTarget:
            return try requestTarget(of: request)
        case .path:
            let path = try requestTarget(of: request).split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return path.isEmpty ? "/" : String(path)
        case .query:
            // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2.7 — an absent query is "?".
            let target = try requestTarget(of: request)
            guard let mark = target.firstIndex(of: "?") else { return "?" }
            return String(target[mark...])
        default:
            throw HTTPSignatureError(.malformedSignature, "unsupported derived component")
        }
    }

    /// Trims each field line and joins repeated lines with ", ".
    // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.1
    private static func fieldValue(_ name: HTTPField.Name, in request: HTTPRequest) throws -> String {
        let values = request.headerFields[values: name]
        guard !values.isEmpty else {
            throw HTTPSignatureError(.missingComponent, "covered header field is absent")
        }
        let joined = values.map(trimmingOptionalWhitespace).joined(separator: ", ")
        // Deliberate: a line break inside a value could forge extra signature base lines.
        // HTTPField already legalises values; this guards against any other source.
        guard !joined.utf8.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
            throw HTTPSignatureError(.malformedSignature, "header field value contains a line break")
        }
        return joined
    }

    /// `value` without leading and trailing spaces and tabs.
    ///
    /// Works on UTF-8 bytes rather than Characters: grapheme breaking made this trim the most
    /// expensive step of building a signature base. Both ends fall on ASCII bytes, so they are
    /// valid String indices.
    static func trimmingOptionalWhitespace(_ value: String) -> Substring {
        let bytes = value.utf8
        let isOptionalWhitespace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isOptionalWhitespace($0) }),
              let last = bytes.lastIndex(where: { !isOptionalWhitespace($0) }) else {
            return ""
        }
        return value[first...last]
    }

    private static func scheme(of request: HTTPRequest) throws -> String {
        try required(request.scheme, "scheme").lowercased()
    }

    /// Lowercases the host and drops the scheme's default port (RFC 9110 §4.2.3).
    private static func normalizedAuthority(of request: HTTPRequest) throws -> String {
        let authority = try required(request.authority, "authority").lowercased()
        let defaultPort: String? = switch request.scheme?.lowercased() {
        case "https": ":443"
        case "http": ":80"
        default: nil
        }
        if let defaultPort, authority.hasSuffix(defaultPort) {
            return String(authority.dropLast(defaultPort.count))
        }
        return authority
    }

    private static func requestTarget(of request: HTTPRequest) throws -> String {
        try required(request.path, "path")
    }

    private static func required(_ value: String?, _ what: String) throws -> String {
        guard let value, !value.isEmpty else {
            throw HTTPSignatureError(.missingComponent, "request has no \(what)")
        }
        return value
    }
}
