import SignetCore
import SignetService
@testable import SignetStore
import Testing

/// PostgreSQL transport: never a silent fallback to plaintext.
struct PostgresTransportTests {
    @Test(arguments: [
        ("postgres://u:p@127.0.0.1:5432/db", "127.0.0.1", PostgresTransport.plaintext),
        ("postgres://u:p@localhost/db", "localhost", .plaintext),
        ("postgres://u:p@db.example.org/db", "db.example.org", .verifiedTLS),
        ("postgres://u:p@10.0.0.7/db", "10.0.0.7", .verifiedTLS),
        ("postgres://u:p@db.example.org/db?sslmode=require", "db.example.org", .verifiedTLS),
        ("postgres://u:p@db.example.org/db?sslmode=verify-full", "db.example.org", .verifiedTLS),
        ("postgres://u:p@127.0.0.1/db?sslmode=verify-full", "127.0.0.1", .verifiedTLS),
        ("postgres://u:p@db.example.org/db?sslmode=disable", "db.example.org", .plaintext),
    ])
    func transportFollowsTheURL(_ url: String, _ host: String, _ expected: PostgresTransport) throws {
        #expect(try PostgresTransport(url: url, host: host) == expected)
    }

    @Test(arguments: ["prefer", "allow", "sometimes"])
    func silentFallbacksAreRefused(_ mode: String) {
        #expect(throws: StoreError(.invalidConfiguration, "")) {
            try PostgresTransport(url: "postgres://u:p@db.example.org/db?sslmode=\(mode)", host: "db.example.org")
        }
    }

    /// Refused before any connection is attempted (the host does not exist).
    @Test func storesRefuseAPreferURLBeforeConnecting() async {
        await #expect(throws: StoreError(.invalidConfiguration, "")) {
            _ = try await Stores.open(.postgres(url: "postgres://u:p@db.invalid:5432/db?sslmode=prefer"))
        }
    }
}

extension PostgresTransportTests {
    /// Only an address in 127.0.0.0/8 is loopback, not a host name that starts like one.
    @Test(arguments: [("127.0.0.1", true), ("127.255.3.9", true), ("localhost", true), ("::1", true), ("/tmp", true),
                      ("127.db.corp", false), ("127.0.0.1.nip.io", false), ("128.0.0.1", false), ("127.0.0.256", false)])
    func loopbackMeansAnAddressNotAName(_ host: String, _ loopback: Bool) {
        #expect(PostgresTransport.isLoopback(host) == loopback)
    }
}
