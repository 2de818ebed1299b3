import Foundation
import SignetLog
import SignetService
import SignetTesting
import SignetVault

/// The backends of this run (memory, SQLite, and PostgreSQL when configured).
typealias Backend = StoreBackend

/// Fresh log storage of `backend`, and a way to open a second handle on it.
func withFreshStore<T: Sendable>(_ backend: Backend, _ body: @Sendable (any LogStorage, @escaping @Sendable () async throws -> any LogStorage) async throws -> T) async throws -> T {
    try await withFreshStores(backend) { stores, reopen in try await body(stores.log, { try await reopen().log }) }
}

/// Fresh template storage of `backend`.
func withFreshTemplateStore<T: Sendable>(_ backend: Backend, _ body: @Sendable (any TemplateStorage) async throws -> T) async throws -> T {
    try await withFreshStores(backend) { stores, _ in try await body(stores.templates) }
}
