import Foundation
import SignetVault

/// `signet-fuzz FILE|DIR…` replays inputs (a corpus, or a finding) through the targets;
/// `signet-fuzz --mutate SECONDS [--seed N] DIR…` mutates the corpus at random for that long.
/// `signet-fuzz --libfuzzer [libFuzzer flags] DIR…`, in the build of `scripts/fuzz.sh`, runs
/// libFuzzer, coverage-guided (see `LibFuzzerDriver.swift`).
///
/// Each mutated input of `--mutate` is written to `Fuzz/last-input` before it runs, so a trap
/// leaves the input that caused it behind (libFuzzer writes its own `crash-…` files).
@main
struct SignetFuzz {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--libfuzzer" {
            #if SIGNET_LIBFUZZER
            LibFuzzer.run(Array(arguments.dropFirst()))
            #else
            FileHandle.standardError.write(Data("signet-fuzz: this build has no libFuzzer; build it with scripts/fuzz.sh\n".utf8))
            exit(64)
            #endif
        }

        var seconds: Double?
        var seed: UInt64 = 2026
        while let flag = arguments.first, flag.hasPrefix("--") {
            arguments.removeFirst()
            guard let value = arguments.first else { usage() }
            arguments.removeFirst()
            switch flag {
            case "--mutate":
                guard let value = Double(value), value.isFinite, value > 0, value <= 86_400 else { usage() }
                seconds = value
            case "--seed":
                guard let value = UInt64(value) else { usage() }
                seed = value
            default: usage()
            }
        }
        guard !arguments.isEmpty else { usage() }
        let corpus = try arguments.flatMap(files).compactMap { FileManager.default.contents(atPath: $0).map { Array($0) } }
        for input in corpus { FuzzTarget.dispatch(input) }
        guard let seconds else {
            print("replayed \(corpus.count) inputs")
            return
        }
        var random = DeterministicGenerator(seed: seed)
        let deadline = Date().addingTimeInterval(seconds)
        var runs = 0
        let last = URL(fileURLWithPath: "Fuzz/last-input")
        while Date() < deadline {
            for _ in 0..<256 {
                let input = Mutator.mutate(corpus.randomElement(using: &random) ?? [0], corpus: corpus, using: &random)
                try? Data(input).write(to: last)
                FuzzTarget.dispatch(input)
                runs += 1
            }
        }
        try? FileManager.default.removeItem(at: last)
        print("fuzzed \(runs) mutated inputs from \(corpus.count) seeds in \(Int(seconds)) s (seed \(seed)): no trap")
    }

    static func files(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        return isDirectory.boolValue ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: signet-fuzz [--mutate SECONDS] [--seed N] FILE|DIRECTORY...\n".utf8))
        exit(64)
    }
}

/// Byte-level mutations in the style of libFuzzer's: flips, interesting values, insertions,
/// deletions, repeats and splices with another corpus input. The first byte (the target) is
/// mutated too, so inputs cross targets.
enum Mutator {
    static let interesting: [[UInt8]] = [
        Array("18446744073709551615".utf8), Array("9223372036854775808".utf8), Array("x999/".utf8), Array("-1".utf8),
        Array("1e308".utf8), Array("NaN".utf8), Array("\"".utf8), Array("\\u0000".utf8), [0xFF], [0x00], [0x80],
        Array("((((((((".utf8), Array(":".utf8), Array(";".utf8), Array("=".utf8), Array("[]".utf8), Array("{}".utf8),
    ]

    static func mutate<R: RandomNumberGenerator>(_ seed: [UInt8], corpus: [[UInt8]], using random: inout R) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 1 where !bytes.isEmpty: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.insert(contentsOf: interesting.randomElement(using: &random)!, at: at)
            case 3 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &random)))
            case 4 where !bytes.isEmpty:
                let run = bytes[at..<min(bytes.count, at + Int.random(in: 1...8, using: &random))]
                bytes.insert(contentsOf: Array(repeating: Array(run), count: Int.random(in: 1...64, using: &random)).joined(), at: at)
            case 5:
                let other = corpus.randomElement(using: &random) ?? []
                bytes = Array(bytes.prefix(at)) + other.suffix(Int.random(in: 0...other.count, using: &random))
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
            }
        }
        return Array(bytes.prefix(1 << 16))
    }
}
