import Foundation
import GRDB
@testable import SignetStore
import SignetTesting
import Testing

/// The identity store's group commit, directly: many concurrent jobs share transactions, each
/// caller sees its own outcome, and a failing job fails alone, leaving nothing behind.
struct SQLiteGroupCommitTests {
    static func withGroupCommit(_ body: @Sendable (SQLiteGroupCommit, any DatabaseWriter) async throws -> Void) async throws {
        try await withTemporaryDirectory("signet-group") { dir in
            let path = dir + "/g.sqlite"
            let database = try SQLiteSchema.open(path: path, busyTimeoutMilliseconds: 1000)
            try await database.write { try $0.execute(sql: "CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)") }
            let group = SQLiteGroupCommit(database: database, gate: .shared(path: path))
            defer { try? database.close() }
            try await body(group, database)
        }
    }

    @Test func concurrentWritesAllCommitAndAFailureStaysAlone() async throws {
        try await Self.withGroupCommit { group, database in
            try await group.execute("INSERT INTO t (k, v) VALUES (0, 0)")
            // 200 writers at once: 100 inserts, 100 increments of one row, and one job that
            // writes a row and then hits a duplicate key: its first write must be undone too.
            let outcomes = await withTaskGroup(of: Bool.self) { tasks in
                for i in 1...100 {
                    tasks.addTask { (try? await group.execute("INSERT INTO t (k, v) VALUES (?, ?)", [i, i])) != nil }
                    tasks.addTask { (try? await group.execute("UPDATE t SET v = v + 1 WHERE k = 0")) != nil }
                }
                tasks.addTask {
                    let written: Void? = try? await group.write { db in
                        try db.execute(sql: "INSERT INTO t (k, v) VALUES (1000, 1)")
                        try db.execute(sql: "INSERT INTO t (k, v) VALUES (0, 99)")
                    }
                    return written != nil
                }
                var outcomes: [Bool] = []
                for await outcome in tasks { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 }.count == 200)
            #expect(outcomes.filter { !$0 }.count == 1)
            let (count, counter, partial) = try await database.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t"), try Int.fetchOne(db, sql: "SELECT v FROM t WHERE k = 0"),
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t WHERE k = 1000"))
            }
            #expect(count == 101)
            #expect(counter == 100)
            #expect(partial == 0)
        }
    }

    @Test func writesReturnTheirRowsAndRunInArrivalOrder() async throws {
        try await Self.withGroupCommit { group, _ in
            let inserted = try await group.write("INSERT INTO t (k, v) VALUES (7, 1) RETURNING v") { try $0.value("v", as: Int.self) }
            #expect(inserted == [1])
            // One writer's statements in sequence: each sees the previous one's effect.
            for expected in 2...20 {
                let rows = try await group.write("UPDATE t SET v = v + 1 WHERE k = 7 RETURNING v") { try $0.value("v", as: Int.self) }
                #expect(rows == [expected])
            }
        }
    }

    @Test func theWriterCommitsWithFullSynchronous() async throws {
        try await Self.withGroupCommit { _, database in
            // 2 = FULL: an acknowledged write is on disk (GRDB's WAL default would be NORMAL, 1).
            let level = try await database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
            #expect(level == 2)
        }
    }
}

/// Writes that hold a file's gate run on the process's writer thread, never on the global
/// executor's threads, whose count equals the cores (a commit's fsync would idle one).
struct SQLiteWriterThreadTests {
    @Test func groupCommitLedgerAndTemplateWritesRunOnTheWriterThread() async throws {
        #expect(!SQLiteWriterThread.shared.isCurrent)
        try await SQLiteGroupCommitTests.withGroupCommit { group, database in
            let grouped = try await group.write { _ in SQLiteWriterThread.shared.isCurrent }
            let gated = try await database.write(through: .shared(path: database.path)) { _ in SQLiteWriterThread.shared.isCurrent }
            #expect(grouped)
            #expect(gated)
        }
        try await withTemporaryDirectory("signet-writer-thread") { dir in
            let log = try await SQLiteLogStorage.open(path: dir + "/log.sqlite")
            let onWriter = await Result { try await log.withWriter { _ in SQLiteWriterThread.shared.isCurrent } }
            await log.close()
            #expect(try onWriter.get())
        }
    }

    @Test func jobsEnqueuedFromManyTasksAllRun() async throws {
        let total = await withTaskGroup(of: Int.self) { tasks in
            for i in 0..<500 {
                tasks.addTask(executorPreference: SQLiteWriterThread.shared) { SQLiteWriterThread.shared.isCurrent ? i : -1 }
            }
            return await tasks.reduce(0, +)
        }
        #expect(total == (0..<500).reduce(0, +))
    }
}
