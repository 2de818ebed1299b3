import Foundation
import Testing

@testable import SignetAuth
import SignetCore

struct ContentDigestTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let body: String
        let fieldValue: String
        var testDescription: String { "\(body.debugDescription) → \(fieldValue)" }
    }

    // SPEC: https://www.rfc-editor.org/rfc/rfc9530#section-2 and Appendix B (sha-256 examples).
    static let rfcVectors: [Vector] = [
        Vector(body: #"{"hello": "world"}"#, fieldValue: "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"),
        Vector(body: "{\"hello\": \"world\"}\n", fieldValue: "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"),
        Vector(body: "", fieldValue: "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"),
    ]

    @Test(arguments: rfcVectors)
    func computesRFCValue(_ vector: Vector) {
        #expect(ContentDigest.fieldValue(for: Array(vector.body.utf8)) == vector.fieldValue)
    }

    @Test(arguments: rfcVectors)
    func verifiesRFCValue(_ vector: Vector) throws {
        try ContentDigest.verify(vector.fieldValue, body: Array(vector.body.utf8))
    }

    @Test func ignoresOtherAlgorithmsAroundSHA256() throws {
        let value =
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:, "
            + "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=:AAAA:, unixsum=1"
        try ContentDigest.verify(value, body: Array(#"{"hello": "world"}"#.utf8))
    }

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let fieldValue: String
        var testDescription: String { name }
    }

    static let rejections: [Rejection] = [
        Rejection(name: "tampered body", fieldValue: "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"),
        Rejection(
            name: "only sha-512 (RFC 9421 B.2)",
            fieldValue: "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
        ),
        Rejection(name: "garbage", fieldValue: "sha-256=:::not base64"),
        Rejection(name: "string instead of bytes", fieldValue: "sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\""),
        Rejection(name: "inner list", fieldValue: "sha-256=(:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:)"),
        Rejection(name: "truncated digest", fieldValue: "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDU:"),
        Rejection(name: "empty", fieldValue: ""),
        Rejection(name: "oversized", fieldValue: "a=1, " + String(repeating: "b", count: 5000) + "=1"),
    ]

    @Test(arguments: rejections)
    func rejects(_ rejection: Rejection) {
        let error = #expect(throws: HTTPSignatureError.self) {
            try ContentDigest.verify(rejection.fieldValue, body: Array(#"{"hello": "world"}"#.utf8))
        }
        #expect(error?.code == .digestMismatch)
    }
}
