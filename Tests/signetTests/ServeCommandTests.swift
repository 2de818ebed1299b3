import Foundation
import Testing

/// `signet serve` as an operator runs it: starts with no setup, stops cleanly on SIGTERM.
struct ServeCommandTests {
    @Test func startsOnAnEmptyDataDirectoryAndShutsDownCleanlyOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let process = Process()
        process.executableURL = signetBinary
        process.arguments = ["serve", "--data-dir", directory.path + "/data", "--port", "0"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Wait (off the cooperative pool) for the line announcing the verifier key.
        let announced: String = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = ""
                while !text.contains("log verifier key") {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }
        }
        #expect(announced.contains("signet: log verifier key "))
        let mode = try FileManager.default.attributesOfItem(atPath: directory.path + "/data/log.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        process.terminate()  // SIGTERM
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(status == 0, "\(stderr)")
        #expect(!stderr.contains("Assertion failed"))
    }
}
