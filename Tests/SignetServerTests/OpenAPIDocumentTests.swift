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

    /// A holder's activity lists every kind of event a holder can have: a kind the API's
    /// `EventType` lacks would answer 500 to the holder (a counter once did).
    @Test func everyHolderEventKindIsAnAPIEventType() {
        for kind in LedgerEvent.Kind.allCases where !kind.isAboutAPartyOnly && !kind.isAboutTheProtocol {
            #expect(Components.Schemas.EventType(rawValue: kind.rawValue) != nil, "\(kind)")
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
                #expect(response.headers[.contentType] == "application/yaml")
                let served = Array(response.body.readableBytesView)
                #expect(served == document)
            }
        }
    }
}

/// The router (generated operations plus the hand-written ledger routes) and the OpenAPI description list the same operations.
struct RouteCoverageTests {
    /// `METHOD /path` for every operation in openapi.yaml, path parameters written `*`.
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: OpenAPIDocumentTests.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations: Set<String> = []
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            if !line.hasPrefix(" ") { inPaths = line == "paths:"; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "patch", "head"].contains(key) {
                    operations.insert("\(key.uppercased()) \(normalised(path))")
                }
            }
        }
        return operations
    }

    /// Replaces `{name}`, `:name` and `**` segments by `*`.
    static func normalised(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") || segment.hasPrefix(":") || segment == "**" ? "*" : String(segment)
        }.joined(separator: "/")
    }

    @Test func everyRouteIsDocumentedAndEveryOperationIsRouted() async throws {
        let documented = try Self.documentedOperations()
        #expect(documented.count >= 18)
        try await RegistrationRoutesTests.withRouter { router in
            // The holder's dashboard is HTML pages for browsers, not part of the API: it has no
            // operations in openapi.yaml (DashboardPageTests and the browser check cover it).
            let routed = Set(router.routes.map { "\($0.method) \(Self.normalised($0.path.description))" }.filter { !$0.contains(" /dashboard") })
            #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.yaml: \(routed.subtracting(documented).sorted())")
            #expect(documented.subtracting(routed).isEmpty, "operations without a route: \(documented.subtracting(routed).sorted())")
        }
    }
}
