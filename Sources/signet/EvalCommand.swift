import ArgumentParser
import Foundation
import SignetVault
import SignetCore

/// `signet eval`: measures what template protection costs in accuracy and gives in security.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate plain cosine matching and the protected IronMask scheme on labelled embeddings.",
        discussion: """
            Reads subject,sample,f0..fN CSV. With --train-subjects N the first N subjects (file order) are used \
            only to learn the population mean, and all rates are measured on the remaining subjects. Protected \
            attempts are counted as accepted when the decoded codeword equals the enrolled one, which is exactly \
            when the scrypt-derived key matches; the KDF cost per guess is measured and reported separately.
            """
    )

    @Option(name: .long, help: "CSV file with columns subject,sample,f0..fN.")
    var data: String

    @Option(name: .long, help: "Learn the population mean from the first N subjects (file order) and evaluate on the rest.")
    var trainSubjects: Int?

    @Option(name: .long, help: "File with a population mean (comma- or whitespace-separated numbers) learned elsewhere.")
    var mean: String?

    @Option(name: .long, help: "Write the learned population mean to this file (with --train-subjects).")
    var saveMean: String?

    @Option(name: .long, help: "Comma-separated α values (non-zero codeword entries).")
    var alpha: String = "4,6,8,12,16"

    @Option(name: .long, help: "Samples averaged into each enrolled template; a comma-separated list sweeps several.")
    var enrollSamples: String = "1"

    @Option(name: .long, help: "Comma-separated decoder list sizes (candidates tried per attempt; 1 = plain decoding).")
    var listSize: String = "1"

    @Flag(name: .long, help: "Also evaluate Float16 storage of the helper matrix (same templates, rounded).")
    var float16 = false

    @Option(name: .long, help: "scrypt log2(N) of the KDF whose cost per guess is reported.")
    var kdfLog2N: UInt8 = KDFParameters.production.log2N

    @Option(name: .long, help: "scrypt r of the KDF whose cost per guess is reported.")
    var kdfR: UInt32 = KDFParameters.production.r

    @Option(name: .long, help: "Maximum mated and non-mated template pairs for the unlinkability metric D_sys.")
    var linkagePairs: Int = 200

    @Option(name: .long, help: "Seed for a reproducible run (evaluation only; enrollment in production uses the system CSPRNG).")
    var seed: UInt64?

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    func validate() throws {
        if trainSubjects != nil && mean != nil { throw ValidationError("use either --train-subjects or --mean, not both") }
        if let n = trainSubjects, n < 1 { throw ValidationError("--train-subjects must be at least 1") }
        if saveMean != nil && trainSubjects == nil { throw ValidationError("--save-mean needs --train-subjects") }
        if linkagePairs < 0 { throw ValidationError("--linkage-pairs must be 0 or more") }
        _ = try Self.integers(alpha, option: "--alpha")
        _ = try Self.integers(enrollSamples, option: "--enroll-samples")
        let lists = try Self.integers(listSize, option: "--list-size")
        if lists.contains(where: { !(1...64).contains($0) }) { throw ValidationError("--list-size values must be 1...64") }
    }

    static func integers(_ text: String, option: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 1 }) else {
            throw ValidationError("\(option) must be a comma-separated list of positive integers")
        }
        return values.compactMap { $0 }
    }

    func run() async throws {
        let stderr = FileHandle.standardError
        let progress: @Sendable (String) -> Void = { line in stderr.write(Data("signet eval: \(line)\n".utf8)) }
        do {
            let text = try String(contentsOfFile: data, encoding: .utf8)
            let dataset = try EmbeddingCSV.parse(text)
            var evaluation = dataset
            var trainingCount = 0
            let preprocessor: EmbeddingPreprocessor
            let preprocessing: String
            if let n = trainSubjects {
                let split = try dataset.split(trainingSubjects: n)
                evaluation = split.evaluation
                trainingCount = n
                preprocessor = try EmbeddingPreprocessor.learn(from: split.training.flatMap(\.samples), version: "eval-train-\(n)")
                preprocessing = "mean of the first \(n) subjects (\(split.training.flatMap(\.samples).count) samples), then L2-normalise"
                if let path = saveMean {
                    try preprocessor.mean.map { "\($0)" }.joined(separator: ",").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
                }
            } else if let path = mean {
                preprocessor = try EmbeddingPreprocessor(mean: EmbeddingCSV.parseVector(String(contentsOfFile: path, encoding: .utf8)), version: "file")
                preprocessing = "mean from \(path), then L2-normalise"
            } else {
                progress("warning: no --train-subjects or --mean; embeddings are only normalised, not centred")
                preprocessor = try EmbeddingPreprocessor.identity(dimension: dataset.dimension)
                preprocessing = "L2-normalise only (no centring)"
            }
            let configuration = EvaluationConfiguration(
                alphas: try Self.integers(alpha, option: "--alpha"),
                enrollSamples: try Self.integers(enrollSamples, option: "--enroll-samples"),
                listSizes: try Self.integers(listSize, option: "--list-size"),
                includeFloat16: float16,
                kdf: try KDFParameters(log2N: kdfLog2N, r: kdfR, p: 1),
                linkagePairs: linkagePairs, seed: seed
            )
            progress("\(evaluation.subjects.count) evaluation subjects, dimension \(evaluation.dimension); \(preprocessing)")
            let results = try VaultEvaluator(configuration: configuration, preprocessor: preprocessor).run(evaluation, progress: progress)
            let report = EvaluationReport(
                dimension: evaluation.dimension, evaluationSubjects: evaluation.subjects.count, trainingSubjects: trainingCount,
                preprocessing: preprocessing, results: results, notes: Self.notes)
            print(json ? try Self.json(report) : EvalTable.render(report))
        } catch let error as VaultError {
            throw ValidationError(error.reason)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile || error.code == .fileReadUnknown {
            throw ValidationError("cannot read \(data)")
        }
    }

    static let notes = [
        "Protocol: per subject and start r, enroll k consecutive samples (cyclic); genuine probes are the subject's other samples, impostor probes all samples of other evaluation subjects.",
        "cosine: same centred embeddings and enrollments, scored by cosine; tar/far at the FMR <= 1e-3 threshold. cosine-raw: no centring.",
        "ironmask: accepted when the decoded codeword (or one of list_size candidates) equals the enrolled codeword, i.e. exactly when the scrypt-derived public key matches; no KDF runs in the sweep.",
        "false_accept_search_bits: -log2(FAR) (rule of three, 3/attempts, when no false accept was observed) minus log2(list_size); each online guess also costs one KDF evaluation (kdf_ms_per_guess).",
        "d_sys: Gomez-Barrero et al. 2018, sqrt(N) histogram bins (5...100), max over linkage functions (max |M_ij| and sparse power iteration on M = P2*P1^T); mated pairs come from separate enrollments of one subject; floor = D_sys between two halves of the non-mated scores (the estimator's value for no linkage).",
    ]

    static func json(_ report: EvaluationReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}


/// Plain-text tables for `signet eval`.
enum EvalTable {
    static func render(_ report: EvaluationReport) -> String {
        var lines = [
            "signet eval: dimension \(report.dimension), \(report.evaluationSubjects) evaluation subjects, \(report.trainingSubjects) training subjects",
            "preprocessing: \(report.preprocessing)",
            "",
            "Baseline (plain cosine matching)",
            row(["scheme", "k", "genuine", "impostor", "EER", "TAR@1e-2", "TAR@1e-3", "FAR@op", "bytes", "D_sys", "floor"]),
        ]
        for r in report.results where r.scheme.hasPrefix("cosine") {
            lines.append(row([
                r.scheme, "\(r.enrollSamples)", "\(r.genuineAttempts)", "\(r.impostorAttempts)", pct(r.eer), pct(r.tarAtFar1e2),
                pct(r.tarAtFar1e3), sci(r.far), "\(r.templateBytes ?? 0)", fix(r.dSys, 3), fix(r.dSysNoiseFloor, 3),
            ]))
        }
        lines += [
            "",
            "Protected (IronMask); accept = decoded codeword matches (the scrypt key check is exact-match)",
            row(["alpha", "k", "L", "P", "genuine", "impostor", "TAR", "FA", "FAR", "nom.bits", "FA-bits", "bytes", "enroll ms", "verify us", "D_sys", "floor"]),
        ]
        for r in report.results where r.scheme == "ironmask" {
            lines.append(row([
                "\(r.alpha ?? 0)", "\(r.enrollSamples)", "\(r.listSize ?? 1)", r.helperEncoding == "float16" ? "f16" : "f32",
                "\(r.genuineAttempts)", "\(r.impostorAttempts)", pct(r.tar), "\(r.falseAccepts)", sci(r.far),
                fix(r.nominalBits, 1), fix(r.falseAcceptSearchBits, 1), "\(r.templateBytes ?? 0)", fix(r.enrollMilliseconds, 2),
                fix(r.verifyMicroseconds, 1), fix(r.dSys, 3), fix(r.dSysNoiseFloor, 3),
            ]))
        }
        if let r = report.results.first(where: { $0.scheme == "ironmask" }), let kdf = r.kdf, let ms = r.kdfMillisecondsPerGuess {
            lines.append("")
            lines.append("KDF cost per guess (not included in verify us): \(kdf): \(String(format: "%.1f", ms)) ms")
            if let by = r.dSysByLinkage {
                lines.append("D_sys by linkage function (first row): " + by.keys.sorted().map { "\($0)=\(String(format: "%.3f", by[$0]!))" }.joined(separator: ", "))
            }
        }
        lines.append("")
        lines += report.notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }

    static func row(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in i == 0 ? c.padding(toLength: 10, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(0, 9 - c.count)) + c }
            .joined(separator: " ")
    }

    static func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "-" }
    static func sci(_ v: Double?) -> String { v.map { $0 == 0 ? "0" : String(format: "%.1e", $0) } ?? "-" }
    static func fix(_ v: Double?, _ digits: Int) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
}
