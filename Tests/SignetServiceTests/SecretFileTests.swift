import Foundation
import SignetCore
import SignetLog
import SignetService
import Testing

struct SecretFileTests {
    /// A fresh private directory, removed afterwards.
    func withTemporaryDirectory<T>(_ prefix: String, _ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    @Test func createdPrivateAndNeverOverwritten() async throws {
        try await withTemporaryDirectory("signet-secret") { directory in
            let path = directory + "/k"
            #expect(try SecretFile.create(path, contents: Array("first".utf8)))
            #expect(try !SecretFile.create(path, contents: Array("second".utf8)))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "first")
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
            // No temporary file is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["k"])
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            #expect(throws: SecretFileError(.tooPermissive, "")) { try SecretFile.requirePrivate(path) }
        }
    }

    /// A process killed between writing its temporary and linking it leaves a secret behind;
    /// the next creator removes it, and leaves a live process's temporary alone.
    @Test func temporariesOfDeadProcessesAreRemoved() async throws {
        try await withTemporaryDirectory("signet-secret-stale") { directory in
            let finished = Process()
            finished.executableURL = URL(fileURLWithPath: "/bin/true")
            try finished.run()
            finished.waitUntilExit()
            let stale = directory + "/k.tmp-\(finished.processIdentifier)-42"
            let live = directory + "/k.tmp-\(ProcessInfo.processInfo.processIdentifier)-7"
            let unrelated = directory + "/other.tmp-\(finished.processIdentifier)-1"
            for file in [stale, live, unrelated] { try Data("secret".utf8).write(to: URL(fileURLWithPath: file)) }
            #expect(try SecretFile.create(directory + "/k", contents: Array("key".utf8)))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["k", "k.tmp-\(ProcessInfo.processInfo.processIdentifier)-7", "other.tmp-\(finished.processIdentifier)-1"])
        }
    }

    /// Two processes starting together on one data directory end up with one log key.
    @Test func racingCreatorsAgreeOnOneKey() async throws {
        try await withTemporaryDirectory("signet-secret-race") { directory in
            let path = directory + "/log.key"
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask { try LogKeyFile.loadOrCreate(path: path, origin: nil, defaultOrigin: "race.test/log").signer.verifier.vkey }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys.count == 1)
        }
    }
}
