import Logging
import PostgresNIO
import SignetCore

/// Versioned schema migrations for PostgreSQL, applied under an advisory lock so that
/// instances starting together migrate once.
enum PostgresSchema {
    /// Migrations in order; the index + 1 is the schema version. Append, never edit.
    static let migrations: [[String]] = [
        [
            "CREATE TABLE log_entries (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)",
            "CREATE TABLE log_tiles (level BIGINT NOT NULL, idx BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (level, idx))",
            "CREATE TABLE log_checkpoint (id INT PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, note TEXT NOT NULL)",
        ],
        [
            "CREATE TABLE holders (id TEXT PRIMARY KEY, public_key BYTEA NOT NULL UNIQUE, registered_at DOUBLE PRECISION NOT NULL)",
            "CREATE TABLE parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, contact TEXT NOT NULL, public_key BYTEA NOT NULL UNIQUE, status TEXT NOT NULL, registered_at DOUBLE PRECISION NOT NULL)",
            "CREATE TABLE request_nonces (key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (key_id, nonce))",
            "CREATE INDEX request_nonces_expiry ON request_nonces (expires_at)",
        ],
        [
            "CREATE TABLE templates (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, data BYTEA NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX templates_holder ON templates (holder_id, updated_at)",
            "CREATE TABLE permissions (token_hash BYTEA PRIMARY KEY, holder_id TEXT NOT NULL, party_id TEXT NOT NULL, template_id TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL, used_at DOUBLE PRECISION)",
            "CREATE TABLE rate_buckets (bucket TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
            "CREATE TABLE holder_secrets (holder_id TEXT PRIMARY KEY, secret BYTEA NOT NULL)",
            "CREATE TABLE holder_events (holder_id TEXT NOT NULL, ledger_index BIGINT NOT NULL, kind TEXT NOT NULL, event_id BYTEA NOT NULL, salt BYTEA NOT NULL, details TEXT NOT NULL, time DOUBLE PRECISION NOT NULL, PRIMARY KEY (holder_id, ledger_index))",
        ],
        [
            // Device mode: at most one live challenge per permission.
            "ALTER TABLE permissions ADD COLUMN challenge_id TEXT",
            "ALTER TABLE permissions ADD COLUMN challenge_nonce BYTEA",
            "ALTER TABLE permissions ADD COLUMN challenge_expires_at DOUBLE PRECISION",
        ],
        [
            // Device mode reads only the public key, not the whole helper matrix.
            "ALTER TABLE templates ADD COLUMN public_key BYTEA",
        ],
        [
            // The journal of template changes not yet finished (PendingChange).
            "CREATE TABLE pending_changes (event_id BYTEA PRIMARY KEY, holder_id TEXT NOT NULL, kind TEXT NOT NULL, template_id TEXT NOT NULL, salt BYTEA NOT NULL, time DOUBLE PRECISION NOT NULL, log_size BIGINT NOT NULL, template_key_hash BYTEA)",
            "CREATE INDEX pending_changes_time ON pending_changes (time)",
        ],
        [
            // The operator's revocation of a principal's key (IdentityStorage.revokeKey).
            "ALTER TABLE holders ADD COLUMN key_revoked_at DOUBLE PRECISION",
            "ALTER TABLE parties ADD COLUMN key_revoked_at DOUBLE PRECISION",
        ],
        [
            // The market: holders' single-use trade codes, and the offers addressed through them.
            "CREATE TABLE trade_codes (code_hash BYTEA PRIMARY KEY, holder_id TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL, spent_at DOUBLE PRECISION)",
            "CREATE TABLE offers (id TEXT PRIMARY KEY, party_id TEXT NOT NULL, holder_id TEXT NOT NULL, document TEXT NOT NULL, status TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, decided_at DOUBLE PRECISION)",
            "CREATE INDEX offers_holder ON offers (holder_id, created_at)",
        ],
        [
            // When a permission was issued: recovery revokes only consent given before a change.
            "ALTER TABLE permissions ADD COLUMN issued_at DOUBLE PRECISION",
            // Who owns an unfinished template change until when (live request or recovery).
            "ALTER TABLE pending_changes ADD COLUMN claimed_until DOUBLE PRECISION NOT NULL DEFAULT 0",
        ],
        [
            // Permissions become grants: counted uses, revocation, a status-list index, the
            // consent token as issued (for its party to fetch), and the offer it came from.
            "ALTER TABLE permissions RENAME TO grants",
            "ALTER TABLE grants ADD COLUMN max_uses INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE grants ADD COLUMN uses INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE grants ADD COLUMN revoked_at DOUBLE PRECISION",
            "ALTER TABLE grants ADD COLUMN status_index BIGINT",
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
            "CREATE TABLE protocol_versions (version INTEGER PRIMARY KEY, document TEXT NOT NULL, content_id TEXT NOT NULL, proposed_at DOUBLE PRECISION NOT NULL, effective_at DOUBLE PRECISION NOT NULL, activated_at DOUBLE PRECISION)",
        ],
        [
            // The party's record for risk reports: who revoked a grant, and refused offers.
            "ALTER TABLE grants ADD COLUMN revoked_by TEXT",
            "CREATE TABLE offer_refusals (party_id TEXT NOT NULL, refused_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX offer_refusals_party ON offer_refusals (party_id)",
            "CREATE INDEX offers_accepted ON offers (status, decided_at)",
        ],
        [
            // Attesters the operator appointed, and the attributes they vouched for.
            "CREATE TABLE attesters (party_id TEXT PRIMARY KEY, appointed_at DOUBLE PRECISION NOT NULL)",
            "CREATE TABLE attributes (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, attester_id TEXT NOT NULL, attested_at DOUBLE PRECISION NOT NULL, UNIQUE (holder_id, name, attester_id))",
        ],
        [
            // Lockdown marks templates for renewal; the watch's findings, the holders' alerts,
            // and the keyed fingerprints of the honey templates' decoy samples.
            "ALTER TABLE templates ADD COLUMN locked_at DOUBLE PRECISION",
            "CREATE TABLE findings (id TEXT PRIMARY KEY, rule TEXT NOT NULL, detected_at DOUBLE PRECISION NOT NULL, holders INTEGER NOT NULL, summary TEXT NOT NULL, ledger_index BIGINT)",
            "CREATE INDEX findings_time ON findings (detected_at)",
            "CREATE TABLE finding_parties (party_id TEXT NOT NULL, finding_id TEXT NOT NULL, PRIMARY KEY (party_id, finding_id))",
            "CREATE TABLE alerts (id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, rule TEXT NOT NULL, party_id TEXT, message TEXT NOT NULL, raised_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX alerts_holder ON alerts (holder_id, raised_at)",
            "CREATE TABLE honey_marks (fingerprint BYTEA PRIMARY KEY, planted_at DOUBLE PRECISION NOT NULL)",
        ],
        [
            // The watch judges a party's age from its first approval, not its registration;
            // parties approved before this kept no time, and registration stands in for it
            // (not for suspended ones: some were never approved, and a ring must not look old).
            "ALTER TABLE parties ADD COLUMN approved_at DOUBLE PRECISION",
            "UPDATE parties SET approved_at = registered_at WHERE status = 'approved'",
            // A honey mark's exact time matched its decoy's registration: filed under the next
            // hour instead, and read by time when instances reload.
            "UPDATE honey_marks SET planted_at = (floor(planted_at / 3600) + 1) * 3600",
            "CREATE INDEX honey_marks_time ON honey_marks (planted_at)",
        ],
    ]

    static let migrationLockKey: Int64 = 0x7369_676E_6574_6D67

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: logger)
            do {
                _ = try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
                _ = try await connection.query("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)", logger: logger)
                var current = 0
                for try await v in try await connection.query("SELECT coalesce(max(version), 0) FROM schema_version", logger: logger).decode(Int.self) {
                    current = v
                }
                guard current <= migrations.count else {
                    throw StoreError(.schemaTooNew, "database schema version \(current) is newer than this build (\(migrations.count))")
                }
                if current < migrations.count {
                    for version in (current + 1)...migrations.count {
                        for statement in migrations[version - 1] {
                            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        _ = try await connection.query("INSERT INTO schema_version (version) VALUES (\(version))", logger: logger)
                    }
                }
                _ = try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
