import ArgumentParser
import Crypto
import Foundation
import SignetCore
import SignetVault

/// `signet vault …`: the deployment's template protection.
struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Calibrate the vault for a face model.", subcommands: [Calibrate.self])

    struct Calibrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn a vault profile from labelled embeddings of people who are not users.",
            discussion: """
                Reads subject,sample,f0..fN CSV (the same format as `signet eval`). The first half of the \
                subjects (file order; --train-subjects to change) teach the population mean; the figures are \
                measured on the others. The profile takes the α and decoder list size with the best TAR among \
                those with zero false accepts and at least --min-bits search bits (a list of L candidates \
                costs log2 L). No profile is written when none qualifies.
                """)

        @Option(help: "CSV file with columns subject,sample,f0..fN (people who are not users).")
        var data: String
        @Option(help: "Where to write the profile (JSON).")
        var out: String
        @Option(help: "The face model's name, recorded in the profile.")
        var model: String = "unnamed"
        @Option(help: "Samples averaged per enrolled template, as enrollment will send (1...10).")
        var enrollSamples: Int = 5
        @Option(help: "Least search bits: log2 of the codeword space less log2 of the list size.")
        var minBits: Double = 48
        @Option(help: "Subjects (file order) the mean is learned from; default half.")
        var trainSubjects: Int?
        @Option(help: "scrypt log2(N) per candidate; default 15 less log2 of the list size (at least 10), so a verification costs about one production derivation.")
        var kdfLog2N: UInt8?
        @Option(help: "Seed for a reproducible measurement.")
        var seed: UInt64?
        @Flag(help: "Replace an existing file at --out.")
        var force = false

        func validate() throws {
            guard (1...10).contains(enrollSamples) else { throw ValidationError("--enroll-samples must be 1...10") }
            guard minBits.isFinite, (1...256).contains(minBits) else { throw ValidationError("--min-bits must be 1...256") }
            if let trainSubjects, trainSubjects < 1 { throw ValidationError("--train-subjects must be at least 1") }
            if let kdfLog2N, !(1...30).contains(kdfLog2N) { throw ValidationError("--kdf-log2-n must be 1...30") }
            if !force, FileManager.default.fileExists(atPath: out) { throw ValidationError("\(out) exists; pass --force to replace it") }
        }

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: data) else { throw ValidationError("cannot read \(data)") }
            let stderr = FileHandle.standardError
            let profile: VaultProfile
            do {
                let dataset = try EmbeddingCSV.parse(String(decoding: bytes, as: UTF8.self))
                let calibrator = VaultCalibrator(
                    model: model, enrollSamples: enrollSamples, minimumBits: minBits, trainingSubjects: trainSubjects,
                    kdf: try kdfLog2N.map { try KDFParameters(log2N: $0, r: KDFParameters.production.r, p: 1) }, seed: seed)
                profile = try calibrator.calibrate(dataset, dataSHA256: Hex.encode(Array(SHA256.hash(data: bytes)))) { line in
                    stderr.write(Data("signet vault calibrate: \(line)\n".utf8))
                }
            } catch let error as VaultError {
                throw ValidationError(error.reason)
            }
            print(Self.table(profile))
            try profile.jsonData().write(to: URL(fileURLWithPath: out), options: .atomic)
            print("wrote \(out) (profile \(profile.id)); start the server with: signet serve --vault-profile \(out)")
        }

        /// Every candidate measured, the chosen one marked.
        static func table(_ profile: VaultProfile) -> String {
            guard let calibration = profile.calibration else { return "" }
            var lines = [
                "model \(profile.model), dimension \(profile.dimension): mean from \(calibration.trainingSubjects) subjects, measured on \(calibration.measuredSubjects) others",
                "\(calibration.genuineAttempts) genuine and \(calibration.impostorAttempts) impostor attempts per row, \(calibration.enrollSamples) samples per enrollment",
                "",
                "  alpha  list      TAR  false accepts   bits",
            ]
            for c in calibration.candidates {
                let mark = c == calibration.chosen ? "*" : (c.bits < calibration.minimumBits ? " " : (c.falseAccepts > 0 ? "x" : " "))
                lines.append(mark + String(format: " %5d %5d  %6.2f%%  %13d  %5.1f", c.alpha, c.listSize, c.tar * 100, c.falseAccepts, c.bits))
            }
            lines += [
                "",
                "* chosen: best TAR with zero false accepts at >= \(calibration.minimumBits) bits (ties: smaller α, then shorter list); x: false accepts",
                "kdf per candidate: \(profile.kdf.summary); one verification derives \(profile.listSize) key(s)",
            ]
            return lines.joined(separator: "\n")
        }
    }
}
