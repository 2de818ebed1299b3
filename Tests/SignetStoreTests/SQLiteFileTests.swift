import SignetService
import Foundation
import SignetCore
import GRDB
import SignetMarket
import SignetVault
@testable import SignetStore
import SignetTesting
import Testing

/// A row with a value of the wrong type (a damaged or hand-edited file) fails the lookup with an
/// error; GRDB's subscript would have trapped and taken the server down.
struct SQLiteDamagedRowTests {
    @Test func aWronglyTypedColumnThrowsInsteadOfTrapping() async throws {
        try await withTemporaryDirectory("signet-damaged") { dir in
            let store = try await SQLiteIdentityStorage.open(path: dir + "/signet.sqlite")
            let id = HolderID.random()
            // registered_at must be a number; 'yesterday' cannot be read as one.
            try await store.statements.execute("INSERT INTO holders (id, public_key, registered_at) VALUES (?, ?, 'yesterday')", [id.rawValue, Data(repeating: 7, count: 32)])
            await #expect(throws: (any Error).self) { try await store.holder(id) }
            // The store keeps answering other lookups.
            #expect(try await store.holder(.random()) == nil)
            await store.close()
        }
    }
}

/// The stores on one file share one pool, which stays open until the last of them closes.
struct SQLiteFileTests {
    @Test func storesOnOneFileShareOnePoolUntilTheLastCloses() async throws {
        try await withTemporaryDirectory("signet-file") { dir in
            let path = dir + "/signet.sqlite"
            let first = try await SQLiteFile.open(path: path, busyTimeoutMilliseconds: 1000)
            let second = try await SQLiteFile.open(path: dir + "/./signet.sqlite", busyTimeoutMilliseconds: 1000)
            #expect(first === second)
            first.close()
            // Still open for the second user.
            let count = try await second.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM holders") }
            #expect(count == 0)
            second.close()
            // The last close closed it: the next open gets a new pool.
            let third = try await SQLiteFile.open(path: path, busyTimeoutMilliseconds: 1000)
            #expect(third !== first)
            third.close()
        }
    }

    @Test func identityAndTemplateStoresKeepWorkingWhenTheOtherCloses() async throws {
        try await withTemporaryDirectory("signet-file") { dir in
            let identities = try await SQLiteIdentityStorage.open(path: dir + "/signet.sqlite")
            let templates = try await SQLiteTemplateStorage.open(path: dir + "/signet.sqlite")
            await identities.close()
            try await templates.insert(StoredTemplate(id: TemplateID.random(using: SeededRandomBytes(seed: [1])), holderID: "h1", bytes: [1, 2, 3], updatedAt: Date(timeIntervalSince1970: 1), publicKey: nil))
            #expect(try await templates.template(id: TemplateID.random(using: SeededRandomBytes(seed: [1])))?.bytes == [1, 2, 3])
            await templates.close()
        }
    }
}

struct StoresOpenTests {
    /// Seven stores on ":memory:" would be seven private databases; refused with a pointer to Stores.inMemory().
    @Test(arguments: [":memory:", ""])
    func anSQLiteStoreNeedsAFile(_ path: String) async throws {
        await #expect(throws: StoreError(.invalidConfiguration, "")) { try await Stores.open(.sqlite(path: path)) }
    }

    @Test func aPrintedConfigurationShowsNoPassword() {
        #expect("\(StoreConfiguration.postgres(url: "postgres://signet:hunter2@db/signet"))" == "PostgreSQL")
    }
}
