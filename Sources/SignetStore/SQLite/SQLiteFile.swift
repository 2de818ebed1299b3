import Foundation
import GRDB
import NIOConcurrencyHelpers
import SignetCore

/// The one database pool this process keeps for a SQLite file, shared by the stores on it
/// (ledger, identities, templates), with the file's write gate.
///
/// Why one pool: GRDB's guidance is one pool per file per process, and with a pool per store
/// each store had its own writer connection, which in WAL mode drops its page cache whenever
/// another one has committed (a profile showed the group commit re-reading pages through
/// `pread`). One writer keeps its cache and the process holds a third of the connections;
/// `signet-bench api` measured the change as neutral (4 alternating runs each, within noise).
final class SQLiteFile: Sendable {
    /// The shared pool (a private queue for `":memory:"`).
    let database: any DatabaseWriter
    /// The file's write gate (``SQLiteWriteGate``).
    let gate: SQLiteWriteGate
    /// The file's one group commit: the writes of every store on the file (nonces, admissions,
    /// activity records, …) share its transactions and so their fsyncs.
    let writes: SQLiteGroupCommit
    /// The registry key; nil for a private database.
    private let key: String?

    private init(database: any DatabaseWriter, gate: SQLiteWriteGate, key: String?) {
        self.database = database
        self.gate = gate
        self.writes = SQLiteGroupCommit(database: database, gate: gate)
        self.key = key
    }

    private static let registry = NIOLockedValueBox([String: (file: SQLiteFile, users: Int)]())

    /// Opens `path` (or joins this process's pool on it) and migrates its schema to the latest
    /// version. Every `open` needs one ``close()``; the pool closes with the last one.
    ///
    /// The first opener's busy timeout applies to the shared pool.
    /// - Throws: ``StoreError`` when the database cannot be opened or its schema is too new.
    static func open(path: String, busyTimeoutMilliseconds: Int) async throws -> SQLiteFile {
        let file: SQLiteFile
        do {
            file = try join(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite database at \(path): \(error)")
        }
        do {
            // Every opener migrates (a no-op once current), so none returns before the schema is.
            try await file.gate.withWriteAccess { try await file.database.writeWithoutTransaction { try SQLiteSchema.migrate($0) } }
            return file
        } catch let error as StoreError {
            file.close()
            throw error
        } catch {
            file.close()
            throw StoreError(.unavailable, "cannot migrate SQLite database at \(path): \(error)")
        }
    }

    /// Test hook: a pool of its own on `path`, not shared and not migrated (old-schema tests).
    static func openPrivately(path: String, busyTimeoutMilliseconds: Int) throws -> SQLiteFile {
        SQLiteFile(database: try SQLiteSchema.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds), gate: SQLiteWriteGate.shared(path: path), key: nil)
    }

    private static func join(path: String, busyTimeoutMilliseconds: Int) throws -> SQLiteFile {
        guard path != ":memory:" else {
            return SQLiteFile(database: try SQLiteSchema.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds), gate: SQLiteWriteGate(), key: nil)
        }
        let key = SQLiteWriteGate.key(path)
        return try registry.withLockedValue { registry in
            if let entry = registry[key] {
                registry[key] = (entry.file, entry.users + 1)
                return entry.file
            }
            let file = SQLiteFile(
                database: try SQLiteSchema.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds),
                gate: SQLiteWriteGate.shared(path: path), key: key)
            registry[key] = (file, 1)
            return file
        }
    }

    /// Leaves the shared pool; the last user closes it.
    func close() {
        guard let key else {
            try? database.close()
            return
        }
        let last = Self.registry.withLockedValue { registry -> Bool in
            guard let entry = registry[key] else { return false }
            if entry.users > 1 {
                registry[key] = (entry.file, entry.users - 1)
                return false
            }
            registry[key] = nil
            return true
        }
        if last { try? database.close() }
    }
}
