import HTTPTypes
import Testing

@testable import SignetAuth
import SignetCore

struct SignatureBaseTests {
    /// RFC 9421 §2.1: leading and trailing spaces and tabs go; inner ones and other bytes stay.
    @Test(arguments: [
        (" \t a, \t b \t", "a, \t b"), ("value", "value"), ("", ""), (" \t ", ""), ("\u{E9}t\u{E9} ", "\u{E9}t\u{E9}"), (" x", "x"),
    ])
    func fieldValuesAreTrimmedOfOptionalWhitespaceOnly(_ value: String, _ expected: String) {
        #expect(SignatureBase.trimmingOptionalWhitespace(value) == expected)
    }

    /// RFC 9421 B.2.6 prints this signature base, byte for byte.
    // SPEC: https://www.rfc-editor.org/rfc/rfc9421#appendix-B.2.6
    static let rfcB26Base = """
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@method": POST
        "@path": /foo
        "@authority": example.com
        "content-type": application/json
        "content-length": 18
        "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
        """
    static let rfcB26Components: [SignatureComponent] = [
        SignatureComponent(field: "date")!, .method, .path, .authority,
        SignatureComponent(field: "Content-Type")!, SignatureComponent(field: "content-length")!,
    ]

    @Test func matchesRFC9421B26() throws {
        let base = try SignatureBase(
            request: HTTPSignatureFixtures.rfcRequest,
            coveredComponents: Self.rfcB26Components,
            parameters: SignatureParameters(created: HTTPSignatureFixtures.rfcCreated, keyID: HTTPSignatureFixtures.rfcKeyID)
        )
        #expect(base.text == Self.rfcB26Base)
        #expect(!base.text.hasSuffix("\n"))
    }

    struct DerivedVector: Sendable, CustomTestStringConvertible {
        let component: SignatureComponent
        let path: String
        let expected: String
        var testDescription: String { "\(component) of \(path)" }
    }

    // SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.2 — examples for
    // `POST /path?param=value HTTP/1.1` to `https://www.example.com`, and §2.2.7 for `@query`.
    static let derivedVectors: [DerivedVector] = [
        DerivedVector(component: .method, path: "/path?param=value", expected: "POST"),
        DerivedVector(component: .targetURI, path: "/path?param=value", expected: "https://www.example.com/path?param=value"),
        DerivedVector(component: .authority, path: "/path?param=value", expected: "www.example.com"),
        DerivedVector(component: .scheme, path: "/path?param=value", expected: "https"),
        DerivedVector(component: .requestTarget, path: "/path?param=value", expected: "/path?param=value"),
        DerivedVector(component: .path, path: "/path?param=value", expected: "/path"),
        DerivedVector(component: .query, path: "/path?param=value&foo=bar&baz=bat%2Dman", expected: "?param=value&foo=bar&baz=bat%2Dman"),
        DerivedVector(component: .query, path: "/path?queryString", expected: "?queryString"),
        DerivedVector(component: .query, path: "/path", expected: "?"),
        DerivedVector(component: .path, path: "/", expected: "/"),
    ]

    @Test(arguments: derivedVectors)
    func derivesComponent(_ vector: DerivedVector) throws {
        let request = HTTPRequest(method: .post, scheme: "HTTPS", authority: "www.example.com", path: vector.path)
        let base = try SignatureBase(request: request, coveredComponents: [vector.component], parameters: .init())
        #expect(base.text.split(separator: "\n").first.map(String.init) == "\"\(vector.component)\": \(vector.expected)")
    }

    @Test func authorityIsLowercasedWithoutDefaultPort() throws {
        let request = HTTPRequest(method: .get, scheme: "https", authority: "WWW.Example.com:443", path: "/")
        let base = try SignatureBase(request: request, coveredComponents: [.authority], parameters: .init())
        #expect(base.text.hasPrefix("\"@authority\": www.example.com\n"))
    }

    /// SPEC: https://www.rfc-editor.org/rfc/rfc9421#section-2.1 — trimming and joining field lines.
    @Test func normalisesHeaderFields() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: HTTPField.Name("X-OWS-Header")!, value: "   Leading and trailing whitespace.   "))
        fields.append(HTTPField(name: .cacheControl, value: "max-age=60"))
        fields.append(HTTPField(name: .cacheControl, value: "   must-revalidate"))
        fields.append(HTTPField(name: HTTPField.Name("Example-Dict")!, value: " a=1,    b=2;x=1;y=2,   c=(a   b   c)"))
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/", headerFields: fields)
        let base = try SignatureBase(
            request: request,
            coveredComponents: ["x-ows-header", "Cache-Control", "example-dict"].map { SignatureComponent(field: $0)! },
            parameters: .init()
        )
        #expect(
            base.text == """
                "x-ows-header": Leading and trailing whitespace.
                "cache-control": max-age=60, must-revalidate
                "example-dict": a=1,    b=2;x=1;y=2,   c=(a   b   c)
                "@signature-params": ("x-ows-header" "cache-control" "example-dict")
                """
        )
    }

    @Test func serialisesAllParametersAsStructuredFields() throws {
        let parameters = SignatureParameters(
            created: 1_618_884_473, expires: 1_618_884_773, keyID: "k\"1", nonce: "n\\1", algorithm: "ed25519", tag: "app"
        )
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/")
        let base = try SignatureBase(request: request, coveredComponents: [.method], parameters: parameters)
        #expect(
            base.signatureParams
                == #"("@method");created=1618884473;expires=1618884773;keyid="k\"1";nonce="n\\1";alg="ed25519";tag="app""#
        )
    }

    @Test func missingHeaderIsMissingComponent() {
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/")
        let error = #expect(throws: HTTPSignatureError.self) {
            try SignatureBase(request: request, coveredComponents: [.contentDigest], parameters: .init())
        }
        #expect(error?.code == .missingComponent)
    }

    @Test func repeatedComponentIsMalformed() {
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/")
        let error = #expect(throws: HTTPSignatureError.self) {
            try SignatureBase(request: request, coveredComponents: [.method, .method], parameters: .init())
        }
        #expect(error?.code == .malformedSignature)
    }

    @Test func nonASCIIParameterCannotBeSerialised() {
        let request = HTTPRequest(method: .get, scheme: "https", authority: "example.com", path: "/")
        let error = #expect(throws: HTTPSignatureError.self) {
            try SignatureBase(request: request, coveredComponents: [.method], parameters: .init(keyID: "ключ"))
        }
        #expect(error?.code == .malformedSignature)
    }
}
