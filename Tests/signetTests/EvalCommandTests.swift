import SignetTesting
import Foundation
import Testing

/// `signet eval` run as a user runs it: real CSV files, exit codes, messages.
struct EvalCommandTests {
    /// A small labelled set: `subjects` people × `samples` samples, dimension `dimension`,
    /// each person a random direction plus small noise (seeded, so runs are reproducible).
    static func syntheticCSV(subjects: Int, samples: Int, dimension: Int) -> String {
        var state: UInt64 = 0x5eed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        var lines = ["subject,sample," + (0..<dimension).map { "f\($0)" }.joined(separator: ",")]
        for s in 0..<subjects {
            let centre = (0..<dimension).map { _ in next() }
            for k in 0..<samples {
                let values = centre.map { $0 + 0.05 * next() }
                lines.append("p\(s),\(k)," + values.map { String(format: "%.6f", $0) }.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func write(_ text: String, in directory: TemporaryDirectory, name: String = "data.csv") throws -> String {
        let path = directory.path + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func jsonResultsHaveBaselineAndProtectedEntries() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = try write(Self.syntheticCSV(subjects: 12, samples: 4, dimension: 64), in: directory)
        let result = try runProcess(signetBinary, ["eval", "--data", path, "--train-subjects", "4", "--alpha", "4,8", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        let cosine = try #require(results.first { $0["scheme"] as? String == "cosine" })
        #expect((cosine["genuine_attempts"] as? Int ?? 0) > 0)
        #expect((cosine["impostor_attempts"] as? Int ?? 0) > 0)
        let protected = results.filter { $0["scheme"] as? String != "cosine" && $0["scheme"] as? String != "cosine-raw" }
        #expect(Set(protected.compactMap { $0["alpha"] as? Int }) == [4, 8])
        for entry in protected {
            for key in ["enroll_samples", "genuine_attempts", "impostor_attempts", "tar", "far", "nominal_bits"] {
                #expect(entry[key] != nil, "missing \(key)")
            }
        }
    }

    @Test(arguments: [
        ("subject,sample,f0,f1\na,1,0.1,0.2\na,2,0.1\n", "line 3"),           // ragged row
        ("subject,sample,f0,f1\na,1,0.1,abc\na,2,0.1,0.2\n", "line 2"),       // not a number
        ("subject,sample,f0,f1\na,1,0.1,nan\na,2,0.1,0.2\n", "line 2"),       // non-finite
        ("subject,sample,f0,f1\na,1,0.1,0.2\nb,1,0.3,0.4\nb,2,0.5,0.6\n", "at least 2 are needed"), // one sample only
    ])
    func malformedDataIsRefusedWithItsLocation(_ csv: String, _ expected: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = try write(csv, in: directory)
        let result = try runProcess(signetBinary, ["eval", "--data", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func missingFileIsAClearError() throws {
        let result = try runProcess(signetBinary, ["eval", "--data", "/nonexistent/data.csv"])
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }
}
