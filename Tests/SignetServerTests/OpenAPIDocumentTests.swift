import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import SignetAPI
import SignetCore
import Testing

struct OpenAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func generatedCodeIsNotStale() throws {
        let spec = try Data(contentsOf: Self.root.appendingPathComponent("Sources/SignetServer/Resources/openapi.yaml"))
        let config = try Data(contentsOf: Self.root.appendingPathComponent("openapi-generator-config.yaml"))
        let expected = "// openapi-sha256: " + Hex.encode(SHA256.hash(data: spec + config))
        let generated = Self.root.appendingPathComponent("Sources/SignetAPI/Generated")
        let files = try FileManager.default.contentsOfDirectory(atPath: generated.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 2)
        for file in files {
            let firstLine = try String(contentsOf: generated.appendingPathComponent(file), encoding: .utf8).prefix { $0 != "\n" }
            #expect(String(firstLine) == expected, "\(file) is stale: run scripts/generate-openapi.sh")
        }
    }

    @Test func generatedTypesDescribeTheSameIdentifiers() {
        // A compile-time link: the generated operation ids exist in the SignetAPI module.
        #expect(Operations.RegisterHolder.id == "registerHolder")
        #expect(Operations.CreateVerification.id == "createVerification")
    }

    @Test func serverServesTheDocument() async throws {
        let document = Array(try Data(contentsOf: Self.root.appendingPathComponent("openapi.yaml")))
        try await RegistrationRoutesTests.withAPI { client, _ in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                let served = Array(response.body.readableBytesView)
                #expect(served == document)
            }
        }
    }
}
