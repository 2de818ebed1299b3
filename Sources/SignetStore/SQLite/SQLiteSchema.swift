import Logging
import SQLiteNIO

/// Connection settings and versioned schema migrations for SQLite.
enum SQLiteSchema {
    /// Migrations in order; the index + 1 is the schema version. Never edit a shipped migration:
    /// append a new one.
    static let migrations: [[String]] = [
        [
            "CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)",
            "CREATE TABLE log_tiles (level INTEGER NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
            "CREATE TABLE log_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, note TEXT NOT NULL)",
        ],
        [
            "CREATE TABLE holders (id TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, registered_at REAL NOT NULL)",
            "CREATE TABLE parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, contact TEXT NOT NULL, public_key BLOB NOT NULL UNIQUE, status TEXT NOT NULL, registered_at REAL NOT NULL)",
            "CREATE TABLE request_nonces (key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at REAL NOT NULL, PRIMARY KEY (key_id, nonce)) WITHOUT ROWID",
            "CREATE INDEX request_nonces_expiry ON request_nonces (expires_at)",
        ],
        [
            "CREATE TABLE templates (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, data BLOB NOT NULL, updated_at REAL NOT NULL)",
            "CREATE INDEX templates_holder ON templates (holder_id, updated_at)",
            "CREATE TABLE permissions (token_hash BLOB PRIMARY KEY, holder_id TEXT NOT NULL, party_id TEXT NOT NULL, template_id TEXT NOT NULL, expires_at REAL NOT NULL, used_at REAL)",
            "CREATE TABLE rate_buckets (bucket TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at REAL NOT NULL)",
            "CREATE TABLE holder_secrets (holder_id TEXT PRIMARY KEY, secret BLOB NOT NULL)",
            "CREATE TABLE holder_events (holder_id TEXT NOT NULL, ledger_index INTEGER NOT NULL, kind TEXT NOT NULL, event_id BLOB NOT NULL, salt BLOB NOT NULL, details TEXT NOT NULL, time REAL NOT NULL, PRIMARY KEY (holder_id, ledger_index))",
        ],
        [
            // Device mode: at most one live challenge per permission.
            "ALTER TABLE permissions ADD COLUMN challenge_id TEXT",
            "ALTER TABLE permissions ADD COLUMN challenge_nonce BLOB",
            "ALTER TABLE permissions ADD COLUMN challenge_expires_at REAL",
        ],
        [
            // Device mode reads only the public key, not the whole helper matrix.
            "ALTER TABLE templates ADD COLUMN public_key BLOB",
        ],
    ]

    /// Opens a connection to `path`, configured and migrated to the latest schema.
    /// - Throws: ``StoreError`` when the database cannot be opened or its schema is too new.
    static func openMigrated(path: String, busyTimeoutMilliseconds: Int, gate: SQLiteWriteGate) async throws -> SQLiteConnection {
        do {
            let storage: SQLiteConnection.Storage = path == ":memory:" ? .memory : .file(path: path)
            let connection = try await SQLiteConnection.open(storage: storage, logger: Logger(label: "signet.store.sqlite"))
            try await configure(connection, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try await gate.withWriteAccess { try await migrate(connection) }
            return connection
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite database at \(path): \(error)")
        }
    }

    /// WAL for concurrent readers; `synchronous = FULL` so a commit is on disk before it returns.
    static func configure(_ connection: SQLiteConnection, busyTimeoutMilliseconds: Int) async throws {
        _ = try await connection.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
        _ = try await connection.query("PRAGMA journal_mode = WAL")
        _ = try await connection.query("PRAGMA synchronous = FULL")
    }

    /// Brings the schema to `target` (default: the latest version) in one transaction.
    static func migrate(_ connection: SQLiteConnection, to target: Int = migrations.count) async throws {
        _ = try await connection.query("BEGIN IMMEDIATE")
        do {
            _ = try await connection.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            let current = try await connection.query("SELECT max(version) AS v FROM schema_version").first?.column("v")?.integer ?? 0
            guard current <= migrations.count else {
                throw StoreError(.schemaTooNew, "database schema version \(current) is newer than this build (\(migrations.count))")
            }
            for version in (current + 1)...max(current + 1, target) where version <= target {
                for statement in migrations[version - 1] { _ = try await connection.query(statement) }
                _ = try await connection.query("INSERT INTO schema_version (version) VALUES (?1)", [.integer(version)])
            }
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }
}
