import NIOConcurrencyHelpers
import SQLiteNIO

/// Group commit for one connection's single-statement writes: statements that arrive while a
/// commit is under way run together in the next transaction, so many requests share one fsync.
///
/// Each caller resumes only after the transaction holding its statement has committed, so a
/// returned write is as durable as with autocommit (`synchronous = FULL`). Statements run in
/// arrival order and see each other's effects, exactly as if run one after another. A statement
/// that fails (say, a UNIQUE violation) fails alone: SQLite rolls back that statement, not the
/// transaction. If `BEGIN` or `COMMIT` fails, every statement of the batch fails.
final class SQLiteGroupCommit: Sendable {
    private struct Pending: Sendable {
        let sql: String
        let binds: [SQLiteData]
        let continuation: CheckedContinuation<[SQLiteRow], any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var flushing = false
    }

    private let connection: SQLiteConnection
    private let gate: SQLiteWriteGate
    private let state = NIOLockedValueBox(State())

    init(connection: SQLiteConnection, gate: SQLiteWriteGate) {
        self.connection = connection
        self.gate = gate
    }

    /// Runs one writing statement in the next group transaction and returns its rows once committed.
    func write(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        try await withCheckedThrowingContinuation { continuation in
            let startFlushing = state.withLockedValue { state -> Bool in
                state.pending.append(Pending(sql: sql, binds: binds, continuation: continuation))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            // High priority: the flush holds the write gate across awaits, and every writer in
            // the process waits for it (see Sequencer.startFlush for the measurement).
            if startFlushing { Task(priority: .high) { await self.flushUntilEmpty() } }
        }
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

    private func flush(_ batch: [Pending]) async {
        let connection = self.connection
        let statements = batch.map { ($0.sql, $0.binds) }
        let outcome: Result<[Result<[SQLiteRow], any Error>], any Error>
        do {
            outcome = .success(try await gate.withWriteAccess {
                _ = try await connection.query("BEGIN IMMEDIATE")
                var results: [Result<[SQLiteRow], any Error>] = []
                results.reserveCapacity(statements.count)
                for (sql, binds) in statements {
                    do { results.append(.success(try await connection.query(sql, binds))) } catch { results.append(.failure(error)) }
                }
                do {
                    _ = try await connection.query("COMMIT")
                } catch {
                    _ = try? await connection.query("ROLLBACK")
                    throw error
                }
                return results
            })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let results):
            for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
        case .failure(let error):
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }
}
