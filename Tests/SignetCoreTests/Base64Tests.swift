import Foundation
import SignetCore
import Testing

struct Base64Tests {
    /// RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            let url = encoded.replacingOccurrences(of: "=", with: "")
            #expect(Base64.encodeURL(Array(plain.utf8)) == url)
            #expect(Base64.decodeURL(url) == Array(plain.utf8))
        }
    }

    @Test func agreesWithFoundationOnRandomBytes() {
        for count in 0..<70 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255) }
            let foundation = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == foundation)
            #expect(Base64.decode(foundation) == bytes)
            let url = foundation.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64.encodeURL(bytes) == url)
            #expect(Base64.decodeURL(url) == bytes)
        }
        // Both alphabets' last characters.
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.encodeURL([0xFB, 0xFF]) == "-_8")
    }

    @Test(arguments: [
        "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zm9v\n", " Zm9v", "Zm-v", "Zm_v", "Zm9v====", "=Zm9", "Zm=v",
    ])
    func refusesNonCanonicalStandard(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test(arguments: ["Zg==", "Zh", "Zm9", "Z", "Zm+v", "Zm/v", "Zm9v=", "Zm 9v", "é"])
    func refusesNonCanonicalURL(_ text: String) {
        #expect(Base64.decodeURL(text) == nil)
    }
}
