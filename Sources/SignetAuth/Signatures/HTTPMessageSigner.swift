public import Crypto
public import Foundation
public import HTTPTypes
import RawStructuredFieldValues
import SignetCore

/// Signs requests with Ed25519 as RFC 9421 describes.
///
/// ```swift
/// let signer = HTTPMessageSigner(privateKey: key, keyID: "client-1")
/// request.headerFields[.init("Content-Digest")!] = ContentDigest.fieldValue(for: body)
/// let fields = try signer.sign(request, coveredComponents: [.method, .targetURI, .contentDigest],
///                              created: now, nonce: nonce)
/// request.headerFields[.init("Signature-Input")!] = fields.signatureInput
/// request.headerFields[.init("Signature")!] = fields.signature
/// ```
// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-3.1
public struct HTTPMessageSigner: Sendable, CustomStringConvertible {
    /// The `Signature-Input` and `Signature` field values for one signature.
    public struct Fields: Hashable, Sendable {
        /// The `Signature-Input` value, `sig1=("@method" …);created=…;keyid="…"`.
        public let signatureInput: String
        /// The `Signature` value, `sig1=:<base64>:`.
        public let signature: String
    }

    /// The `alg` value this signer writes.
    public static let algorithm = "ed25519"

    // Deliberate: private and absent from `description`, so the key never prints.
    private let privateKey: Curve25519.Signing.PrivateKey
    /// The `keyid` written into every signature.
    public let keyID: String

    /// Creates a signer.
    /// - Parameters:
    ///   - privateKey: The Ed25519 signing key.
    ///   - keyID: The identifier the verifier looks the public key up by.
    public init(privateKey: Curve25519.Signing.PrivateKey, keyID: String) {
        self.privateKey = privateKey
        self.keyID = keyID
    }

    /// Signs a request.
    /// - Parameters:
    ///   - request: The request head; every covered header field must already be set.
    ///   - label: The dictionary key shared by both fields, for example `sig1`.
    ///   - coveredComponents: The components to cover, in order.
    ///   - created: The creation time; fractions of a second are dropped.
    ///   - expires: An optional expiry time.
    ///   - nonce: A value unique per signature; `nil` leaves it out.
    ///   - includesAlgorithm: Whether to write `alg="ed25519"`.
    ///   - tag: An optional application tag.
    /// - Returns: The `Signature-Input` and `Signature` field values.
    /// - Throws: ``HTTPSignatureError`` with code `missingComponent` when a covered component is
    ///   absent, or `malformedSignature` when the label or a parameter cannot be serialised.
    public func sign(
        _ request: HTTPRequest,
        label: String = "sig1",
        coveredComponents: [SignatureComponent],
        created: Date,
        expires: Date? = nil,
        nonce: String?,
        includesAlgorithm: Bool = true,
        tag: String? = nil
    ) throws -> Fields {
        let parameters = SignatureParameters(
            created: Int64(created.timeIntervalSince1970.rounded(.down)),
            expires: expires.map { Int64($0.timeIntervalSince1970.rounded(.down)) },
            keyID: keyID,
            nonce: nonce,
            algorithm: includesAlgorithm ? Self.algorithm : nil,
            tag: tag
        )
        let base = try SignatureBase(request: request, coveredComponents: coveredComponents, parameters: parameters)
        let signature = try privateKey.signature(for: base.bytes)

        var inputMap = OrderedMap<String, ItemOrInnerList>()
        inputMap[label] = .innerList(SignatureBase.innerList(coveredComponents, parameters))
        var signatureMap = OrderedMap<String, ItemOrInnerList>()
        signatureMap[label] = .item(
            Item(bareItem: RFC9651BareItem.undecodedByteSequence(signature.base64EncodedString()), parameters: [:])
        )
        do {
            var serializer = StructuredFieldValueSerializer()
            let input = try serializer.writeDictionaryFieldValue(inputMap)
            let value = try serializer.writeDictionaryFieldValue(signatureMap)
            return Fields(
                signatureInput: String(decoding: input, as: UTF8.self),
                signature: String(decoding: value, as: UTF8.self)
            )
        } catch {
            throw HTTPSignatureError(.malformedSignature, "label is not a structured-field key")
        }
    }

    /// Names the key id only.
    public var description: String { "HTTPMessageSigner(keyID: \(keyID))" }
}

extension HTTPMessageSigner {
    /// The header fields of a request signed as Signet's API requires: the request's own fields,
    /// `Content-Digest` (RFC 9530, SHA-256) when there is a body, and `Signature-Input` and
    /// `Signature` covering `@method`, `@target-uri` and, with a body, `content-digest`, with
    /// `created`, `keyid` and `nonce`.
    /// - Parameters:
    ///   - request: the request as the server sees it: scheme, authority and path set.
    ///   - body: the exact bytes that will be sent, if any.
    /// - Throws: ``HTTPSignatureError`` when the request lacks a component to cover.
    public func signedFields(for request: HTTPRequest, body: [UInt8]?, created: Date, nonce: String) throws -> HTTPFields {
        var request = request
        var components: [SignatureComponent] = [.method, .targetURI]
        if let body {
            request.headerFields[ContentDigest.field] = ContentDigest.fieldValue(for: body)
            components.append(.contentDigest)
        }
        let signed = try sign(request, coveredComponents: components, created: created, nonce: nonce)
        var fields = request.headerFields
        fields[HTTPField.Name("Signature-Input")!] = signed.signatureInput
        fields[HTTPField.Name("Signature")!] = signed.signature
        return fields
    }
}
