import ArgumentParser
import Foundation
import SignetVault
import SignetCore

/// `signet-bench vault`: verification throughput of plain cosine matching and of protected IronMask verification.
struct BenchVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Benchmark cosine matching against protected verification (one thread), and the KDF separately."
    )

    @Option(name: .long, help: "Embedding dimension n.")
    var dimension: Int = 512

    @Option(name: .long, help: "Non-zero codeword entries α.")
    var alpha: Int = 8

    @Option(name: .long, help: "Distinct templates cycled through in the pool measurement.")
    var templates: Int = 64

    @Option(name: .long, help: "Verifications timed per measurement (at least 100).")
    var operations: Int = 50_000

    @Option(name: .long, help: "scrypt log2(N) of the KDF timed separately.")
    var kdfLog2N: UInt8 = KDFParameters.production.log2N

    @Option(name: .long, help: "scrypt r of the KDF timed separately.")
    var kdfR: UInt32 = KDFParameters.production.r

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    struct Output: Encodable {
        var dimension: Int
        var alpha: Int
        var results: [VaultBenchmark.Measurement]
    }

    func validate() throws {
        guard (2...ProtectedTemplate.maximumDimension).contains(dimension) else { throw ValidationError("--dimension must be 2...\(ProtectedTemplate.maximumDimension)") }
        guard (1...dimension).contains(alpha) else { throw ValidationError("--alpha must be 1...\(dimension)") }
        guard templates >= 1 else { throw ValidationError("--templates must be at least 1") }
        guard operations >= 100 else { throw ValidationError("--operations must be at least 100") }
    }

    func run() async throws {
        let stderr = FileHandle.standardError
        let kdf: KDFParameters
        do { kdf = try KDFParameters(log2N: kdfLog2N, r: kdfR, p: 1) } catch let e as VaultError { throw ValidationError(e.reason) }
        let results = try VaultBenchmark.run(
            .init(dimension: dimension, alpha: alpha, templates: templates, operations: operations, kdf: kdf),
            progress: { stderr.write(Data("signet-bench vault: \($0)\n".utf8)) })
        // Each protected row is compared with the cosine row of the same template pool.
        var ratios: [String] = []
        for cosine in results where cosine.name.hasPrefix("cosine verify, ") {
            let pool = cosine.name.dropFirst("cosine verify, ".count)
            for protected in results where protected.name.hasPrefix("protected") && protected.name.hasSuffix(", " + pool) {
                ratios.append(String(format: "cosine/protected throughput ratio, %@: %.1f", String(protected.name.dropLast(pool.count + 2)) + ", " + String(pool), cosine.throughput / protected.throughput))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(Output(dimension: dimension, alpha: alpha, results: results)), as: UTF8.self))
            return
        }
        print("signet-bench vault: n=\(dimension), alpha=\(alpha), one thread")
        print("operation".padding(toLength: 66, withPad: " ", startingAt: 0) + "      ops/s     p50 us     p99 us")
        for r in results {
            print(r.name.padding(toLength: 66, withPad: " ", startingAt: 0)
                + String(format: " %10.0f %10.2f %10.2f", r.throughput, r.p50Microseconds, r.p99Microseconds))
        }
        ratios.forEach { print($0) }
        if let kdfRow = results.last, let protected = results.first(where: { $0.name.hasPrefix("protected") }) {
            print(String(format: "protected verify including one KDF evaluation: about %.1f ops/s (KDF dominates: %.1f ms per guess)",
                         1 / (1 / protected.throughput + 1 / kdfRow.throughput), 1e3 / kdfRow.throughput))
        }
    }
}
