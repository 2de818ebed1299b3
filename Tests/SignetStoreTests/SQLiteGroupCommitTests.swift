import Foundation
import SQLiteNIO
@testable import SignetStore
import Testing

/// The identity store's group commit, directly: many concurrent single-statement writes share
/// transactions, each caller sees its own outcome, and a failing statement fails alone.
struct SQLiteGroupCommitTests {
    static func withGroupCommit(_ body: @Sendable (SQLiteGroupCommit, SQLiteConnection) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("signet-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("g.sqlite").path
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        let group = SQLiteGroupCommit(connection: connection, gate: .shared(path: path))
        do {
            try await body(group, connection)
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
    }

    @Test func concurrentWritesAllCommitAndAFailureStaysAlone() async throws {
        try await Self.withGroupCommit { group, connection in
            _ = try await group.write("INSERT INTO t (k, v) VALUES (0, 0)", [])
            // 200 writers at once: 100 inserts, 100 increments of one row, and one duplicate key.
            let outcomes = await withTaskGroup(of: Bool.self) { tasks in
                for i in 1...100 {
                    tasks.addTask { (try? await group.write("INSERT INTO t (k, v) VALUES (?, ?)", [.integer(i), .integer(i)])) != nil }
                    tasks.addTask { (try? await group.write("UPDATE t SET v = v + 1 WHERE k = 0", [])) != nil }
                }
                tasks.addTask { (try? await group.write("INSERT INTO t (k, v) VALUES (0, 99)", [])) != nil }
                var outcomes: [Bool] = []
                for await outcome in tasks { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 }.count == 200)
            #expect(outcomes.filter { !$0 }.count == 1)
            let count = try await connection.query("SELECT COUNT(*) AS n FROM t").first?.column("n")?.integer
            #expect(count == 101)
            let counter = try await connection.query("SELECT v FROM t WHERE k = 0").first?.column("v")?.integer
            #expect(counter == 100)
        }
    }

    @Test func writesReturnTheirRowsAndRunInArrivalOrder() async throws {
        try await Self.withGroupCommit { group, _ in
            let inserted = try await group.write("INSERT INTO t (k, v) VALUES (7, 1) RETURNING v", [])
            #expect(inserted.first?.column("v")?.integer == 1)
            // One writer's statements in sequence: each sees the previous one's effect.
            for expected in 2...20 {
                let rows = try await group.write("UPDATE t SET v = v + 1 WHERE k = 7 RETURNING v", [])
                #expect(rows.first?.column("v")?.integer == expected)
            }
        }
    }
}
