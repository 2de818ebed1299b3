import Foundation
import HTTPTypes
import Testing

@testable import SignetAuth

/// Hostile `Signature-Input` and `Signature` values: each is rejected with a code, never a crash.
struct HTTPMessageVerifierMalformedTests {
    static let validSignature = "sig1=:" + Data(repeating: 1, count: 64).base64EncodedString() + ":"
    static let validParameters = #";created=1618884473;keyid="client-1";nonce="n-1";alg="ed25519""#

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let signatureInput: String
        var signature: String = validSignature
        var expected: HTTPSignatureErrorCode = .malformedSignature
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "garbage input", signatureInput: "sig1=(("),
        Case(name: "garbage signature", signatureInput: #"sig1=("@method")"# + validParameters, signature: "sig1=:%%%:"),
        Case(name: "non-ASCII bytes", signatureInput: "sig1=(\"@méthode\")" + validParameters),
        Case(name: "non-ASCII label", signatureInput: "sïg1=(\"@method\")" + validParameters),
        Case(name: "item instead of inner list", signatureInput: #"sig1="@method""# + validParameters),
        Case(name: "token component", signatureInput: "sig1=(method)" + validParameters),
        Case(name: "integer component", signatureInput: "sig1=(1 2)" + validParameters),
        Case(name: "uppercase component", signatureInput: #"sig1=("@method" "Content-Type")"# + validParameters),
        Case(name: "unknown derived component", signatureInput: #"sig1=("@status")"# + validParameters),
        Case(name: "signature-params covered", signatureInput: #"sig1=("@signature-params")"# + validParameters),
        Case(name: "pseudo-header component", signatureInput: #"sig1=(":authority")"# + validParameters),
        Case(name: "component parameter", signatureInput: #"sig1=("content-type";sf)"# + validParameters),
        Case(name: "repeated component", signatureInput: #"sig1=("@method" "@method")"# + validParameters),
        Case(name: "string created", signatureInput: #"sig1=("@method");created="1618884473";keyid="client-1""#),
        Case(name: "decimal created", signatureInput: #"sig1=("@method");created=1618884473.5;keyid="client-1""#),
        Case(name: "negative created", signatureInput: #"sig1=("@method");created=-1;keyid="client-1""#),
        Case(name: "token keyid", signatureInput: #"sig1=("@method");created=1618884473;keyid=client-1"#),
        Case(name: "unknown parameter", signatureInput: #"sig1=("@method")"# + validParameters + ";foo=1"),
        Case(name: "foreign alg", signatureInput: #"sig1=("@method");created=1618884473;keyid="client-1";nonce="n";alg="rsa-pss-sha512""#),
        Case(name: "string signature", signatureInput: #"sig1=("@method")"# + validParameters, signature: #"sig1="abc""#),
        Case(name: "inner-list signature", signatureInput: #"sig1=("@method")"# + validParameters, signature: "sig1=(:AAAA:)"),
        Case(
            name: "oversized input",
            signatureInput: #"sig1=("@method")"# + validParameters + ";tag=\"" + String(repeating: "a", count: 5000) + "\""
        ),
        Case(
            name: "oversized signature",
            signatureInput: #"sig1=("@method")"# + validParameters,
            signature: "sig1=:" + Data(repeating: 1, count: 4000).base64EncodedString() + ":"
        ),
        Case(
            name: "too many components",
            signatureInput: "sig1=(" + (0..<40).map { "\"x-h\($0)\"" }.joined(separator: " ") + ")" + validParameters
        ),
        Case(
            name: "too many labels",
            signatureInput: (0..<20).map { "s\($0)=(\"@method\")" }.joined(separator: ", ") + #", sig1=("@method")"# + validParameters
        ),
        Case(
            name: "long keyid",
            signatureInput: #"sig1=("@method" "@target-uri");created=1618884473;nonce="n";keyid=""#
                + String(repeating: "k", count: 300) + "\""
        ),
        Case(name: "deeply nested garbage", signatureInput: String(repeating: "(", count: 3000)),
        Case(
            name: "label only in input",
            signatureInput: #"sig1=("@method")"# + validParameters,
            signature: "other=:AAAA:",
            expected: .missingSignature
        ),
    ]

    @Test(arguments: cases)
    func rejectsHostileInput(_ hostile: Case) async {
        var request = HTTPRequest(method: .post, scheme: "https", authority: "api.signet.example", path: "/")
        request.headerFields[UnverifiedRequestSignature.signatureInputField] = hostile.signatureInput
        request.headerFields[UnverifiedRequestSignature.signatureField] = hostile.signature
        let relaxed = HTTPMessageVerifierConfiguration(requiredComponents: [], requiresNonce: false)
        #expect(await HTTPMessageVerifierTests.code(request, body: [], verifier: HTTPSignatureFixtures.verifier(relaxed)) == hostile.expected)
    }

    @Test func repeatedFieldLinesAreBoundedTogether() async {
        var request = HTTPRequest(method: .post, scheme: "https", authority: "api.signet.example", path: "/")
        for index in 0..<100 {
            request.headerFields.append(
                HTTPField(name: UnverifiedRequestSignature.signatureInputField, value: "s\(index)=(\"@method\");created=1")
            )
        }
        request.headerFields[UnverifiedRequestSignature.signatureField] = Self.validSignature
        #expect(await HTTPMessageVerifierTests.code(request, body: []) == .malformedSignature)
    }
}
