import Foundation
import HTTPTypes
import RawStructuredFieldValues
import SignetCore

/// One signature read from a request's `Signature-Input` and `Signature` fields, not yet checked.
///
/// ```
/// Signature-Input: sig1=("@method" "@target-uri");created=1618884473;keyid="k";nonce="n"
/// Signature: sig1=:<base64 of 64 bytes>:
/// ```
/// Parsing is bounded by ``HTTPMessageVerifierConfiguration``, so hostile input costs at most a
/// linear pass over a few kilobytes.
// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-4
public struct UnverifiedRequestSignature: Sendable {
    /// The label both fields use.
    public let label: String
    /// The covered components, in order.
    public let coveredComponents: [SignatureComponent]
    /// The signature parameters, in wire order.
    public let parameters: SignatureParameters
    /// The raw signature bytes.
    let signature: Data

    static let signatureInputField = HTTPField.Name("Signature-Input")!
    static let signatureField = HTTPField.Name("Signature")!

    /// Reads the signature with `label` from a request.
    /// - Throws: ``HTTPSignatureError`` with code `missingSignature` when either field or the
    ///   label is absent, or `malformedSignature` when anything is malformed or over a limit.
    init(request: HTTPRequest, label: String, configuration: HTTPMessageVerifierConfiguration) throws {
        let inputMember = try Self.member(label, of: Self.signatureInputField, in: request, configuration)
        let signatureMember = try Self.member(label, of: Self.signatureField, in: request, configuration)

        guard case .innerList(let innerList) = inputMember else {
            throw HTTPSignatureError(.malformedSignature, "Signature-Input member is not an inner list")
        }
        guard innerList.bareInnerList.count <= configuration.maximumComponentCount else {
            throw HTTPSignatureError(.malformedSignature, "too many covered components")
        }
        var components: [SignatureComponent] = []
        for item in innerList.bareInnerList {
            guard case .string(let identifier) = item.rfc9651BareItem else {
                throw HTTPSignatureError(.malformedSignature, "component identifier is not a string")
            }
            guard item.rfc9651Parameters.count == 0 else {
                throw HTTPSignatureError(.malformedSignature, "component parameters are not supported")
            }
            components.append(try SignatureComponent(parsing: identifier))
        }
        guard Set(components).count == components.count else {
            throw HTTPSignatureError(.malformedSignature, "a component is covered twice")
        }

        guard case .item(let signatureItem) = signatureMember,
            case .undecodedByteSequence(let base64) = signatureItem.rfc9651BareItem,
            let signature = Data(base64Encoded: base64)
        else {
            throw HTTPSignatureError(.malformedSignature, "Signature member is not a byte sequence")
        }

        self.label = label
        self.coveredComponents = components
        self.parameters = try SignatureParameters(parsing: innerList.rfc9651Parameters)
        self.signature = signature
    }

    /// Combines all lines of a field, bounds it, parses it as a dictionary and picks `label`.
    private static func member(
        _ label: String,
        of name: HTTPField.Name,
        in request: HTTPRequest,
        _ configuration: HTTPMessageVerifierConfiguration
    ) throws -> ItemOrInnerList {
        let lines = request.headerFields[values: name]
        guard !lines.isEmpty else {
            throw HTTPSignatureError(.missingSignature, "no \(name.canonicalName) field")
        }
        // Deliberate: measure before joining, so an oversized field is never copied.
        let length = lines.reduce(0) { $0 + $1.utf8.count } + 2 * (lines.count - 1)
        guard length <= configuration.maximumFieldLength else {
            throw HTTPSignatureError(.malformedSignature, "\(name.canonicalName) is too long")
        }
        let dictionary: OrderedMap<String, ItemOrInnerList>
        do {
            var parser = StructuredFieldValueParser(Array(lines.joined(separator: ", ").utf8))
            dictionary = try parser.parseDictionaryFieldValue()
        } catch {
            throw HTTPSignatureError(.malformedSignature, "\(name.canonicalName) is not a structured dictionary")
        }
        guard dictionary.count <= configuration.maximumSignatureCount else {
            throw HTTPSignatureError(.malformedSignature, "\(name.canonicalName) has too many members")
        }
        guard let member = dictionary[label] else {
            throw HTTPSignatureError(.missingSignature, "no signature labelled \(label)")
        }
        return member
    }
}
