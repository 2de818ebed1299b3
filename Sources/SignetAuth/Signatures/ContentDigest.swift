import Crypto
public import Foundation
public import HTTPTypes
import RawStructuredFieldValues
import SignetCore

/// Computes and checks the `Content-Digest` field of RFC 9530 with `sha-256`.
///
/// Wire format, a structured-field dictionary of byte sequences:
/// ```
/// Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
/// ```
// SPEC: https://www.rfc-editor.org/rfc/rfc9530#section-2
public enum ContentDigest {
    /// The algorithm key this implementation produces and requires.
    public static let algorithm = "sha-256"

    /// The `Content-Digest` field name.
    public static let field = HTTPField.Name("Content-Digest")!

    /// The largest `Content-Digest` value accepted, in bytes.
    public static let defaultMaximumFieldLength = 4096

    /// Returns the `Content-Digest` field value for a body.
    /// - Parameter body: The message content, exactly as sent.
    /// - Returns: `sha-256=:<base64>:`.
    public static func fieldValue(for body: some DataProtocol) -> String {
        let digest = SHA256.hash(data: body)
        return "\(algorithm)=:\(Data(digest).base64EncodedString()):"
    }

    /// Checks a `Content-Digest` field value against a body.
    ///
    /// Entries for other algorithms are ignored, as RFC 9530 allows, but a `sha-256` entry MUST be
    /// present: a digest this server cannot check proves nothing.
    /// - Parameters:
    ///   - fieldValue: The combined `Content-Digest` field value.
    ///   - body: The message content as received.
    ///   - maximumFieldLength: The longest field value accepted, in bytes.
    /// - Throws: ``HTTPSignatureError`` with code `digestMismatch` when the field is too long,
    ///   malformed, has no usable `sha-256` entry, or does not match.
    public static func verify(
        _ fieldValue: String,
        body: some DataProtocol,
        maximumFieldLength: Int = defaultMaximumFieldLength
    ) throws {
        let bytes = Array(fieldValue.utf8)
        guard bytes.count <= maximumFieldLength else {
            throw HTTPSignatureError(.digestMismatch, "Content-Digest longer than \(maximumFieldLength) bytes")
        }
        let dictionary: OrderedMap<String, ItemOrInnerList>
        do {
            var parser = StructuredFieldValueParser(bytes)
            dictionary = try parser.parseDictionaryFieldValue()
        } catch {
            throw HTTPSignatureError(.digestMismatch, "Content-Digest is not a structured dictionary")
        }
        guard let entry = dictionary[algorithm] else {
            throw HTTPSignatureError(.digestMismatch, "Content-Digest has no sha-256 entry")
        }
        guard case .item(let item) = entry, case .undecodedByteSequence(let base64) = item.rfc9651BareItem,
            let expected = Data(base64Encoded: base64)
        else {
            throw HTTPSignatureError(.digestMismatch, "sha-256 entry is not a byte sequence")
        }
        // Deliberate: `Digest == DataProtocol` compares in constant time.
        guard SHA256.hash(data: body) == expected else {
            throw HTTPSignatureError(.digestMismatch, "sha-256 does not match the body")
        }
    }
}
