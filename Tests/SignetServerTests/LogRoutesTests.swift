import SignetService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SignetLog
import SignetServer
import SignetTesting
import Testing

struct LogRoutesTests {
    /// A ledger of `size` entries in a temporary directory, served through the test client.
    static func withApp(size: Int, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-routes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: directory, origin: "routes.test/log"))
        let ledger = opened.ledger
        for i in 0..<size { _ = try await ledger.append(Array("entry \(i)".utf8)) }
        let app = Application(router: SignetApplication.router(ledger: ledger))
        try await app.test(.router) { client in try await body(client) }
        await opened.close()
    }

    @Test func checkpointIsSignedTextAndNeverCached() async throws {
        try await Self.withApp(size: 3) { client in
            try await client.execute(uri: "/log/checkpoint", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(String(buffer: response.body).hasPrefix("routes.test/log\n3\n"))
            }
        }
    }

    @Test func tilesAndBundlesAreImmutableOctetStreams() async throws {
        try await Self.withApp(size: 300) { client in
            for (path, bytes) in [("/log/tile/0/000", 8192), ("/log/tile/0/001.p/44", 44 * 32), ("/log/tile/1/000.p/1", 32)] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "application/octet-stream")
                    #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                    #expect(response.body.readableBytes == bytes, "\(path)")
                }
            }
            try await client.execute(uri: "/log/tile/entries/001.p/44", method: .get) { response in
                #expect(response.status == .ok)
                let entries = try EntryBundle.decode(Array(response.body.readableBytesView), count: 44)
                #expect(entries.first == Array("entry 256".utf8))
            }
            // A narrower partial tile of an earlier checkpoint is a prefix of the current one.
            try await client.execute(uri: "/log/tile/0/001.p/10", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 320)
            }
        }
    }

    @Test(arguments: ["/log/tile/00/000", "/log/tile/0/0", "/log/tile/0/x000/001", "/log/tile/0/000.p/0",
                      "/log/tile/0/000.p/256", "/log/tile/0/000.p/07", "/log/tile/64/000", "/log/tile/entries/abc",
                      "/log/tile/0/000.p", "/log/tile/0/x001", "/log/tile/-1/000"])
    func badTilePathsAre400(_ path: String) async throws {
        try await Self.withApp(size: 3) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(problem?["code"] as? String == "invalid_tile_path")
            }
        }
    }

    @Test(arguments: ["/log/tile/0/000", "/log/tile/0/000.p/4", "/log/tile/0/001.p/1", "/log/tile/1/000.p/1",
                      "/log/tile/entries/000", "/log/tile/entries/000.p/4", "/log/tile/entries/x999/999", "/log/tile/5/000.p/1"])
    func tilesBeyondTheTreeAre404(_ path: String) async throws {
        try await Self.withApp(size: 3) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func emptyLogServesSignedEmptyCheckpoint() async throws {
        try await Self.withApp(size: 0) { client in
            try await client.execute(uri: "/log/checkpoint", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("routes.test/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"))
            }
        }
    }
}

extension LogRoutesTests {
    /// Unauthenticated paths whose index is 2^63 or more once trapped in the stores' integer
    /// conversion and took the whole server down; they are simply not in the log.
    @Test(arguments: [
        "/log/tile/0/x009/x223/x372/x036/x854/x775/808",
        "/log/tile/0/x010/x000/x000/x000/x000/x000/000",
        "/log/tile/5/x018/x446/x744/x073/x709/x551/615",
        "/log/tile/entries/x036/x028/x797/x018/x964/968",
        "/log/tile/entries/x072/x057/x594/x037/x927/935.p/3",
    ])
    func indexesPastInt64AreNotFound(_ path: String) async throws {
        try await Self.withApp(size: 3) { client in
            try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound, "\(path)") }
            try await client.execute(uri: "/log/checkpoint", method: .get) { #expect($0.status == .ok) }
        }
    }
}
