import Foundation
public import SignetService
import SignetStore

/// The storage backends every conformance test runs against: the in-memory reference stores,
/// SQLite, and PostgreSQL when `SIGNET_TEST_POSTGRES_URL` names a database.
public enum StoreBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The database URL of the PostgreSQL tests, if any.
    public static var postgresURL: String? { ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"] }

    /// Backends available in this run; PostgreSQL only when `SIGNET_TEST_POSTGRES_URL` is set
    /// (and the run says so when it is not).
    public static var available: [StoreBackend] {
        if postgresURL == nil {
            print("⚠︎ SIGNET_TEST_POSTGRES_URL is not set; PostgreSQL tests are skipped (.ci/run sets it).")
            return [.memory, .sqlite]
        }
        return [.memory, .sqlite, .postgres]
    }
}

/// Runs `body` with fresh, empty stores of `backend`, and closes them afterwards.
///
/// `reopen` opens a second handle on the same database, as another process or a restart would
/// (the in-memory backend hands back the same stores).
public func withFreshStores<T: Sendable>(
    _ backend: StoreBackend, _ body: @Sendable (Stores, _ reopen: @escaping @Sendable () async throws -> Stores) async throws -> T
) async throws -> T {
    let opened = OpenedStores()
    let result: Result<T, any Error>
    switch backend {
    case .memory:
        let stores = Stores.inMemory()
        result = await Result { try await body(stores, { stores }) }
    case .sqlite:
        result = await Result {
            try await withTemporaryDirectory("signet-store") { directory in
                let configuration = StoreConfiguration.embedded(dataDirectory: directory)
                let stores = try await opened.add(Stores.open(configuration))
                let result = await Result { try await body(stores, { try await opened.add(Stores.open(configuration)) }) }
                await opened.closeAll()
                return try result.get()
            }
        }
    case .postgres:
        result = await Result {
            try await PostgresGate.shared.run {
                let configuration = StoreConfiguration.postgres(url: StoreBackend.postgresURL!)
                let stores = try await opened.add(Stores.open(configuration))
                try await stores.testingOnlyReset()
                let result = await Result { try await body(stores, { try await opened.add(Stores.open(configuration)) }) }
                await opened.closeAll()
                return try result.get()
            }
        }
    }
    await opened.closeAll()
    return try result.get()
}

extension Stores {
    /// Empties every PostgreSQL table these stores use (a no-op for other backends).
    func testingOnlyReset() async throws {
        try await (log as? PostgresLogStorage)?.testingOnlyReset()
        try await (identities as? PostgresIdentityStorage)?.testingOnlyReset()
        try await (templates as? PostgresTemplateStorage)?.testingOnlyReset()
    }
}

/// Serialises PostgreSQL tests: they share one database and reset it.
public actor PostgresGate {
    /// The one gate of a test process.
    public static let shared = PostgresGate()
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` alone among the PostgreSQL tests of this process.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await PostgresTestDatabase.requireReachable(StoreBackend.postgresURL!)
        while busy { await withCheckedContinuation { waiters.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}

/// Every store a test opened, closed together at its end.
actor OpenedStores {
    private var stores: [Stores] = []

    func add(_ opened: Stores) -> Stores {
        stores.append(opened)
        return opened
    }

    func closeAll() async {
        for store in stores { await store.close() }
        stores = []
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    public init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
