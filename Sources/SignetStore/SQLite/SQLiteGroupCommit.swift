import GRDB
import NIOConcurrencyHelpers
import SignetCore

/// Group commit for one database's short writes: jobs that arrive while a commit is under way run
/// together in the next transaction, so many requests share one fsync and one access to the writer.
///
/// Each caller resumes only after the transaction holding its job has committed, so a returned
/// write is as durable as with autocommit (`synchronous = FULL`). Jobs run in arrival order and
/// see each other's effects, exactly as if run one after another. Each job runs in its own
/// savepoint: a job that throws (say, on a UNIQUE violation) is rolled back and fails alone. If
/// `BEGIN` or `COMMIT` fails, every job of the batch fails.
///
/// Why jobs are synchronous closures: the whole batch is one access to the writer connection,
/// with cached prepared statements, run in place (``DatabaseWriter/writeInPlace(_:)``), so the
/// write gate is held for microseconds per job instead of a thread hand-off per statement.
final class SQLiteGroupCommit: Sendable {
    /// One job: `run` executes it inside the batch and keeps its outcome; `finish` resumes the
    /// caller with that outcome after COMMIT, or with the batch's error.
    private struct Pending: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Pending] = []
        var flushing = false
    }

    private let database: any DatabaseWriter
    private let gate: SQLiteWriteGate
    private let state = NIOLockedValueBox(State())

    init(database: any DatabaseWriter, gate: SQLiteWriteGate) {
        self.database = database
        self.gate = gate
    }

    /// Runs `job` in the next group transaction and returns its result once committed.
    func write<T: Sendable>(_ job: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = NIOLockedValueBox<Result<T, any Error>?>(nil)
            let pending = Pending(
                run: { db in
                    let result = Result { try Self.inSavepoint(db, job) }
                    outcome.withLockedValue { $0 = result }
                },
                finish: { batchError in
                    if let batchError { return continuation.resume(throwing: batchError) }
                    continuation.resume(with: outcome.withLockedValue { $0 } ?? .failure(StoreError(.unavailable, "a SQLite job was not run")))
                })
            let startFlushing = state.withLockedValue { state -> Bool in
                state.pending.append(pending)
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            // On the writer thread, so the commit's fsync blocks no request handler's thread
            // (SQLiteWriterThread); default priority on purpose: see Sequencer.startFlush.
            if startFlushing { Task(executorPreference: SQLiteWriterThread.shared) { await self.flushUntilEmpty() } }
        }
    }

    /// Runs one statement and returns its rows, mapped by `row` inside the transaction.
    func write<T: Sendable>(_ sql: String, _ arguments: StatementArguments = [], row: @escaping @Sendable (Row) throws -> T?) async throws -> [T] {
        try await write { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).compactMap(row)
        }
    }

    /// Runs one statement that returns no rows.
    func execute(_ sql: String, _ arguments: StatementArguments = []) async throws {
        try await write { db in try db.cachedStatement(sql: sql).execute(arguments: arguments) }
    }

    private func flushUntilEmpty() async {
        while true {
            let batch = state.withLockedValue { state -> [Pending] in
                let batch = state.pending
                state.pending.removeAll(keepingCapacity: true)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await flush(batch)
        }
    }

    /// Runs `job` in a savepoint, so a job that throws leaves no partial writes in the batch.
    private static func inSavepoint<T>(_ db: Database, _ job: (Database) throws -> T) throws -> T {
        var value: T?
        try db.inSavepoint {
            value = try job(db)
            return .commit
        }
        guard let value else { throw StoreError(.unavailable, "a SQLite job committed without a result") }
        return value
    }

    private func flush(_ batch: [Pending]) async {
        let database = self.database
        do {
            try await gate.withWriteAccess {
                try database.writeInPlace { db in
                    try db.inTransaction(.immediate) {
                        for job in batch { job.run(db) }
                        return .commit
                    }
                }
            }
            for job in batch { job.finish(nil) }
        } catch {
            // BEGIN or COMMIT failed: nothing of this batch is durable, so every job fails.
            for job in batch { job.finish(error) }
        }
    }
}
