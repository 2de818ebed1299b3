import Foundation
import SignetTesting
import SignetVault
import Testing

/// Settings given by environment get the range checks their flags get: a bad value is a usage
/// error with a sentence, never a trap in a later conversion.
struct SettingsCommandTests {
    @Test(arguments: [
        ["SIGNET_LOG_MAX_DELAY_MS": "inf"], ["SIGNET_LOG_MAX_DELAY_MS": "nan"], ["SIGNET_LOG_MAX_DELAY_MS": "1e300"],
        ["SIGNET_LOG_MAX_BATCH": "0"], ["SIGNET_LOG_MAX_BATCH": "99999999999999999999"],
        ["SIGNET_PORT": "-1"], ["SIGNET_PORT": "eighty"], ["SIGNET_IDLE_TIMEOUT": "0"],
    ])
    func outOfRangeEnvironmentIsAUsageError(_ environment: [String: String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        // A flag outranks its variable, so --port is only given when SIGNET_PORT is not under test.
        let port = environment["SIGNET_PORT"] == nil ? ["--port", "0"] : []
        let result = try runProcess(signetBinary, ["serve", "--data-dir", directory.path + "/data"] + port, environment: env)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(try #require(environment.keys.first)))
    }

    @Test func calibrateWritesAProfileThatServeLoadsAndRefusesToOverwrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let faces = try SyntheticFaces.dataset(subjects: 10, samples: 8, dimension: 64)
        var csv = "subject,sample," + (0..<64).map { "f\($0)" }.joined(separator: ",") + "\n"
        for subject in faces.subjects {
            for (index, sample) in subject.samples.enumerated() {
                csv += "\(subject.label),\(index + 1)," + sample.map { "\($0)" }.joined(separator: ",") + "\n"
            }
        }
        let data = directory.path + "/faces.csv", out = directory.path + "/profile.json"
        try csv.write(toFile: data, atomically: true, encoding: .utf8)
        let arguments = ["vault", "calibrate", "--data", data, "--out", out, "--model", "cone-64", "--seed", "1"]
        let result = try runProcess(signetBinary, arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("* ") && result.stdout.contains("signet serve --vault-profile"))
        let profile = try VaultProfile(json: Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(profile.model == "cone-64" && profile.calibration?.chosen.falseAccepts == 0)

        let again = try runProcess(signetBinary, arguments)
        #expect(again.status == 64 && again.stderr.contains("--force"))

        let impossible = try runProcess(signetBinary, arguments + ["--force", "--min-bits", "200"])
        #expect(impossible.status != 0 && impossible.stderr.contains("cannot reach"))
        // The refused run left the earlier profile as it was.
        #expect(try VaultProfile(json: Data(contentsOf: URL(fileURLWithPath: out))) == profile)
    }
}

/// The fuzz corpus (seeds, and every finding kept as a regression) replays cleanly through the
/// same parsers libFuzzer drives in `.ci/run`.
struct FuzzCorpusTests {
    @Test func corpusReplaysWithoutATrap() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/corpus").path
        let result = try runProcess(fuzzReplayBinary, [corpus])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("replayed"))
    }
}
