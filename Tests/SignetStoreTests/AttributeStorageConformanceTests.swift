import Foundation
import SignetCore
import SignetMarket
import SignetService
import SignetTesting
import Testing

/// Attesters and attributes behave alike in memory, SQLite and PostgreSQL.
struct AttributeStorageConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available)
    func attestersAreAppointedOnceAndAttributesReplaceTheirAttestersEarlierValue(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, reopen in
            #expect(try await stores.attributes.appoint(partyID: "p_registry", at: Self.now))
            #expect(try await !stores.attributes.appoint(partyID: "p_registry", at: Self.now))
            #expect(try await reopen().attributes.isAttester(partyID: "p_registry"))
            #expect(try await !stores.attributes.isAttester(partyID: "p_other"))
            let first = Attribute(id: "a_1", holderID: "h_alice", name: "age_over_18", value: .bool(false), attesterID: "p_registry", attestedAt: Self.now)
            let second = Attribute(id: "a_2", holderID: "h_alice", name: "age_over_18", value: .bool(true), attesterID: "p_registry",
                                   attestedAt: Self.now.addingTimeInterval(5))
            let member = Attribute(id: "a_3", holderID: "h_alice", name: "member_of", value: .string("t_choir ✓"), attesterID: "p_registry", attestedAt: Self.now)
            for attribute in [first, second, member] { try await stores.attributes.insert(attribute) }
            #expect(try await stores.attributes.attributes(holderID: "h_alice") == [second, member])
            #expect(try await stores.attributes.attributes(holderID: "h_bob").isEmpty)
        }
    }
}
