import Foundation
import NIOConcurrencyHelpers
import GRDB
import SignetCore

/// Lets one writer at a time, in this process, into a SQLite database file.
///
/// Why: the ledger, identity and template stores share one writer connection (``SQLiteFile``),
/// and the ledger's batch spans several accesses to it (its transaction stays open between
/// them), so no other writer may slip in between. Waiting here, in an async FIFO queue, holds no
/// thread; SQLite's own write lock then only arbitrates between processes.
final class SQLiteWriteGate: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    private static let gates = NIOLockedValueBox([String: SQLiteWriteGate]())

    /// The gate shared by every connection this process opens to `path`; a private
    /// in-memory database (`":memory:"`) gets a gate of its own.
    static func shared(path: String) -> SQLiteWriteGate {
        guard path != ":memory:" else { return SQLiteWriteGate() }
        let key = key(path)
        return gates.withLockedValue { gates in
            if let gate = gates[key] { return gate }
            let gate = SQLiteWriteGate()
            gates[key] = gate
            return gate
        }
    }

    /// One name per file, however the path was spelled.
    static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Runs `body` once every earlier caller has finished, first come first served.
    func withWriteAccess<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLockedValue { state -> Bool in
                if !state.locked {
                    state.locked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

extension DatabaseWriter {
    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer, through `gate`, in place
    /// on the process's ``SQLiteWriterThread`` (see ``writeInPlace(_:)``).
    func write<T: Sendable>(through gate: SQLiteWriteGate, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withTaskExecutorPreference(SQLiteWriterThread.shared) { try await write(holding: gate, body) }
    }

    private func write<T: Sendable>(holding gate: SQLiteWriteGate, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await gate.withWriteAccess {
            try self.writeInPlace { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StoreError(.unavailable, "a SQLite transaction committed without a result") }
                return result
            }
        }
    }
}
