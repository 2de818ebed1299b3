import Foundation
import SignetLog
import SignetStore
import SignetTesting
import Testing

/// The backends every conformance test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"] }

    /// Backends available in this run; PostgreSQL only when `SIGNET_TEST_POSTGRES_URL` is set.
    static var available: [Backend] {
        if postgresURL == nil {
            print("⚠︎ SignetStoreTests: SIGNET_TEST_POSTGRES_URL is not set; PostgreSQL tests are skipped (.ci/run sets it).")
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }
}

/// Serialises PostgreSQL tests: they share one database and reset it.
actor PostgresGate {
    static let shared = PostgresGate()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await PostgresTestDatabase.requireReachable(Backend.postgresURL!)
        while busy { await withCheckedContinuation { waiters.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}

/// Opens a fresh, empty log store of `backend` and closes it afterwards.
func withFreshStore<T: Sendable>(_ backend: Backend, _ body: @Sendable (any LogStorage, @Sendable () async throws -> any LogStorage) async throws -> T) async throws -> T {
    switch backend {
    case .sqlite:
        return try await withTemporaryDirectory("signet-store") { dir in
            let path = dir + "/signet.sqlite"
            let opened = OpenedStores()
            let store = try await SQLiteLogStorage.open(path: path)
            await opened.add(store)
            let result = try await body(store, { try await opened.add(SQLiteLogStorage.open(path: path)) })
            await opened.closeAll()
            return result
        }
    case .postgres:
        return try await PostgresGate.shared.run {
            let url = Backend.postgresURL!
            let opened = OpenedStores()
            let store = try await PostgresLogStorage.connect(url: url)
            await opened.add(store)
            try await store.testingOnlyReset()
            let result = try await body(store, { try await opened.add(PostgresLogStorage.connect(url: url)) })
            await opened.closeAll()
            return result
        }
    }
}

/// Every store a test opened, closed together at its end.
actor OpenedStores {
    private var stores: [any LogStorage] = []

    @discardableResult
    func add(_ store: any LogStorage) -> any LogStorage {
        stores.append(store)
        return store
    }

    func closeAll() async {
        for store in stores { await store.close() }
    }
}
