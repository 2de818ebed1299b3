import GRDB
import SignetCore

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
        [
            // The journal of template changes not yet finished (PendingChange).
            "CREATE TABLE pending_changes (event_id BLOB PRIMARY KEY, holder_id TEXT NOT NULL, kind TEXT NOT NULL, template_id TEXT NOT NULL, salt BLOB NOT NULL, time REAL NOT NULL, log_size INTEGER NOT NULL, template_key_hash BLOB)",
            "CREATE INDEX pending_changes_time ON pending_changes (time)",
        ],
        [
            // The operator's revocation of a principal's key (IdentityStorage.revokeKey).
            "ALTER TABLE holders ADD COLUMN key_revoked_at REAL",
            "ALTER TABLE parties ADD COLUMN key_revoked_at REAL",
        ],
        [
            // The market: holders' single-use trade codes, and the offers addressed through them.
            "CREATE TABLE trade_codes (code_hash BLOB PRIMARY KEY, holder_id TEXT NOT NULL, expires_at REAL NOT NULL, spent_at REAL)",
            "CREATE TABLE offers (id TEXT PRIMARY KEY, party_id TEXT NOT NULL, holder_id TEXT NOT NULL, document TEXT NOT NULL, status TEXT NOT NULL, created_at REAL NOT NULL, decided_at REAL)",
            "CREATE INDEX offers_holder ON offers (holder_id, created_at)",
        ],
        [
            // When a permission was issued: recovery revokes only consent given before a change.
            "ALTER TABLE permissions ADD COLUMN issued_at REAL",
            // Who owns an unfinished template change until when (live request or recovery).
            "ALTER TABLE pending_changes ADD COLUMN claimed_until REAL NOT NULL DEFAULT 0",
        ],
        [
            // Permissions become grants: counted uses, revocation, a status-list index, the
            // consent token as issued (for its party to fetch), and the offer it came from.
            "ALTER TABLE permissions RENAME TO grants",
            "ALTER TABLE grants ADD COLUMN max_uses INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE grants ADD COLUMN uses INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE grants ADD COLUMN revoked_at REAL",
            "ALTER TABLE grants ADD COLUMN status_index INTEGER",
            "ALTER TABLE grants ADD COLUMN offer_id TEXT",
            "ALTER TABLE grants ADD COLUMN purpose TEXT",
            "ALTER TABLE grants ADD COLUMN token TEXT",
            // Permissions spent or revoked before: no use left.
            "UPDATE grants SET uses = max_uses WHERE used_at IS NOT NULL",
            "ALTER TABLE grants DROP COLUMN used_at",
            "CREATE INDEX grants_holder ON grants (holder_id, issued_at)",
            "CREATE INDEX grants_party ON grants (party_id, issued_at)",
            "CREATE INDEX grants_revoked ON grants (status_index) WHERE revoked_at IS NOT NULL",
        ],
        [
            // A party lists its offers (and the holders' counters to them).
            "CREATE INDEX offers_party ON offers (party_id, created_at)",
        ],
        [
            // Trust protocol versions: proposed with a notice period, then activated.
            "CREATE TABLE protocol_versions (version INTEGER PRIMARY KEY, document TEXT NOT NULL, content_id TEXT NOT NULL, proposed_at REAL NOT NULL, effective_at REAL NOT NULL, activated_at REAL)",
        ],
        [
            // The party's record for risk reports: who revoked a grant, and refused offers.
            "ALTER TABLE grants ADD COLUMN revoked_by TEXT",
            "CREATE TABLE offer_refusals (party_id TEXT NOT NULL, refused_at REAL NOT NULL)",
            "CREATE INDEX offer_refusals_party ON offer_refusals (party_id)",
            "CREATE INDEX offers_accepted ON offers (status, decided_at)",
        ],
        [
            // Attesters the operator appointed, and the attributes they vouched for.
            "CREATE TABLE attesters (party_id TEXT PRIMARY KEY, appointed_at REAL NOT NULL)",
            "CREATE TABLE attributes (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, attester_id TEXT NOT NULL, attested_at REAL NOT NULL, UNIQUE (holder_id, name, attester_id))",
        ],
        [
            // Lockdown marks templates for renewal; the watch's findings, the holders' alerts,
            // and the keyed fingerprints of the honey templates' decoy samples.
            "ALTER TABLE templates ADD COLUMN locked_at REAL",
            "CREATE TABLE findings (id TEXT PRIMARY KEY, rule TEXT NOT NULL, detected_at REAL NOT NULL, holders INTEGER NOT NULL, summary TEXT NOT NULL, ledger_index INTEGER)",
            "CREATE INDEX findings_time ON findings (detected_at)",
            "CREATE TABLE finding_parties (party_id TEXT NOT NULL, finding_id TEXT NOT NULL, PRIMARY KEY (party_id, finding_id))",
            "CREATE TABLE alerts (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, rule TEXT NOT NULL, party_id TEXT, message TEXT NOT NULL, raised_at REAL NOT NULL)",
            "CREATE INDEX alerts_holder ON alerts (holder_id, raised_at)",
            "CREATE TABLE honey_marks (fingerprint BLOB PRIMARY KEY, planted_at REAL NOT NULL)",
        ],
        [
            // The watch judges a party's age from its first approval, not its registration;
            // parties approved before this kept no time, and registration stands in for it
            // (not for suspended ones: some were never approved, and a ring must not look old).
            "ALTER TABLE parties ADD COLUMN approved_at REAL",
            "UPDATE parties SET approved_at = registered_at WHERE status = 'approved'",
            // A honey mark's exact time matched its decoy's registration: filed under the next
            // hour instead, and read by time when instances reload.
            "UPDATE honey_marks SET planted_at = (CAST(planted_at / 3600 AS INTEGER) + 1) * 3600",
            "CREATE INDEX honey_marks_time ON honey_marks (planted_at)",
        ],
    ]

    /// Opens `path` without migrating: a WAL-mode pool (one writer, concurrent readers) for a
    /// file, a private database for `":memory:"`.
    ///
    /// Deliberate: `synchronous = FULL` on the writer (GRDB's WAL setup picks NORMAL), so a
    /// commit is on disk before it returns; an acknowledged ledger entry must survive power loss.
    /// `allowsUnsafeTransactions`: the ledger's batch spans several accesses to the writer
    /// (``SQLiteLogStorage/withWriter(_:)``), always inside the file's ``SQLiteWriteGate``.
    static func open(path: String, busyTimeoutMilliseconds: Int) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Double(busyTimeoutMilliseconds) / 1000)
        configuration.allowsUnsafeTransactions = true
        configuration.label = "signet.store.sqlite"
        let database: any DatabaseWriter
        if path == ":memory:" {
            database = try DatabaseQueue(configuration: configuration)
        } else {
            database = try DatabasePool(path: path, configuration: configuration)
        }
        try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        return database
    }

    /// Brings the schema to `target` (default: the latest version) in one transaction.
    static func migrate(_ db: Database, to target: Int = migrations.count) throws {
        try db.inTransaction(.immediate) {
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            let current = try Int.fetchOne(db, sql: "SELECT max(version) FROM schema_version") ?? 0
            guard current <= migrations.count else {
                throw StoreError(.schemaTooNew, "database schema version \(current) is newer than this build (\(migrations.count))")
            }
            for version in (current + 1)...max(current + 1, target) where version <= target {
                for statement in migrations[version - 1] { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO schema_version (version) VALUES (?)", arguments: [version])
            }
            return .commit
        }
    }
}
