import Foundation
import Hummingbird
import HummingbirdTesting
import SignetMarket
import SignetService
import Testing

/// `GET /v1/protocol`: anyone can read the rules in force and check their content id.
struct TrustProtocolRoutesTests {
    @Test func anyoneReadsTheProtocolAndItsContentIDChecksOut() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            try await client.execute(uri: "/v1/protocol", method: .get) { response in
                #expect(response.status == .ok)
                let served = try TrustProtocol(json: Array(response.body.readableBytesView))
                #expect(served == service.configuration.trustProtocol)
                // A reader recomputes the content id from what it got.
                #expect(try served.contentID() == (try service.configuration.trustProtocol.contentID()))
                #expect(served.rules.map(\.id).contains("uses-not-templates"))
            }
        }
    }
}
