import SignetTesting
import SignetService
import Foundation
import Logging
import SignetLog
import SignetServer
import SignetStore
import Testing

/// Kills an appending `signet log append` with SIGKILL mid-stream and checks what survives.
struct CrashSafetyTests {
    @Test func sigkillMidStreamLosesNoAcknowledgedEntryAndNeverForks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let dataDir = directory.path + "/data"
        // Create the log (and its key) first, so the child and this test share it.
        await (try await TestLedger.open(LedgerConfiguration(dataDirectory: dataDir, origin: "crash.test/log"))).close()

        let child = Process()
        child.executableURL = signetBinary
        child.arguments = ["log", "append", "--data-dir", dataDir, "--concurrency", "64"]
        let input = Pipe()
        let output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()

        // Feed entries from a background thread until the pipe breaks (the child died).
        let feeder = Thread {
            var i = 0
            signal(SIGPIPE, SIG_IGN)
            while i < 2_000_000 {
                var chunk = ""
                for j in i..<(i + 100) { chunk += "crash entry \(j)\n" }
                i += 100
                do { try input.fileHandleForWriting.write(contentsOf: Data(chunk.utf8)) } catch { return }
            }
        }
        feeder.start()

        // Collect acknowledgements ("line N index I") until enough arrived, then note the
        // checkpoint published so far and kill the child without warning.
        var acknowledged: [UInt64: Int] = [:]
        var pending = Data()
        var before: String?
        let reader = output.fileHandleForReading
        while acknowledged.count < 3_000 {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0a) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                let parts = line.split(separator: " ")
                if parts.count == 4, let number = Int(parts[1]), let index = UInt64(parts[3]) { acknowledged[index] = number }
            }
            if before == nil, acknowledged.count >= 1_500 {
                let reader = try await SQLiteLogStorage.open(path: dataDir + "/signet.sqlite")
                before = try await reader.latestCheckpoint()
                await reader.close()
            }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        // Acknowledgements printed after our last read are acknowledged too; read them all.
        pending.append(reader.readDataToEndOfFile())
        for line in String(decoding: pending, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 4, let number = Int(parts[1]), let index = UInt64(parts[3]) { acknowledged[index] = number }
        }
        #expect(acknowledged.count >= 3_000)

        // Restart: the integrity check must pass, every acknowledged entry must be there.
        let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: dataDir))
        let ledger = opened.ledger
        let after = try VerifiedCheckpoint(note: try await ledger.checkpointNote(), verifier: ledger.verifier)
        for (index, line) in acknowledged {
            let stored = try await ledger.tiles.storage.entries(from: index, count: 1)
            #expect(stored == [Array("crash entry \(line - 1)".utf8)], "index \(index)")
        }
        #expect(after.checkpoint.size >= UInt64(acknowledged.count))

        // The new checkpoint extends the one published before the crash.
        let old = try VerifiedCheckpoint(note: try #require(before), verifier: ledger.verifier)
        let builder = ProofBuilder(reader: TiledSubtreeReader(treeSize: after.checkpoint.size, source: ledger.tiles))
        let proof = try await builder.consistencyProof(size1: old.checkpoint.size, size2: after.checkpoint.size)
        try MerkleProof.verifyConsistency(
            size1: old.checkpoint.size, size2: after.checkpoint.size,
            root1: old.checkpoint.root, root2: after.checkpoint.root, proof: proof)

        // And appending continues at the next index.
        #expect(try await ledger.append(Array("after restart".utf8)) == after.checkpoint.size)
        await opened.close()
    }
}
