import SignetService
import ArgumentParser
import Foundation
import Logging
import SignetLog
import SignetServer
import SignetCore

/// `signet log …`: operator and auditor tools for the transparency log.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Operate and audit the transparency log.",
        subcommands: [LogKeyCommand.self, LogAppendCommand.self, LogProveCommand.self, LogVerifyCommand.self, LogCheckCommand.self])
}

/// Opens the ledger for a one-shot command, turning start-up failures into one line.
func openLedger(_ options: LedgerOptions) async throws -> LocalDeployment {
    var logger = Logger(label: "signet")
    logger.logLevel = .warning
    return try await LocalDeployment.open(options, logger: logger)
}

/// `signet log check`: the full integrity check, on demand. A server's start checks only what
/// was added since its last verified state; this re-hashes every entry and compares every tile.
struct LogCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Re-hash every stored entry and compare every tile with the signed checkpoint.",
        discussion: "Run it with the server stopped, or against PostgreSQL at any time. It exits non-zero on the first difference.")

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() async throws {
        let configuration = try ledgerOptions.configuration()
        // Without the saved state the ledger's start-up check covers the whole log.
        try? FileManager.default.removeItem(atPath: configuration.dataDirectory + "/log.verified")
        let started = ContinuousClock.now
        let deployment = try await LocalDeployment.open(ledgerOptions, createsKey: false, logger: Logger(label: "signet"))
        let size = await deployment.ledger.sequencer.checkpoint?.checkpoint.size ?? 0
        await deployment.close()
        print("log \(deployment.ledger.verifier.name): all \(size) entries and their tiles match the signed checkpoint (\(ContinuousClock.now - started))")
    }
}

struct LogKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Print the log's verifier key (creating the log key on first use).")

    @OptionGroup var ledgerOptions: LedgerOptions

    func run() async throws {
        let deployment = try await openLedger(ledgerOptions)
        print(deployment.ledger.verifier.vkey)
        await deployment.close()
    }
}

struct LogAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one entry per input line (without its newline) and print each durable index.",
        discussion: "Reads FILE, or standard input when FILE is omitted or '-'. Empty lines are refused.")

    @OptionGroup var ledgerOptions: LedgerOptions

    @Argument(help: "Input file, one entry per line.")
    var file: String?

    @Option(help: "Appends in flight at once (default 256).")
    var concurrency = 256

    func validate() throws {
        guard (1...10_000).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 10000") }
    }

    func run() async throws {
        var reader: LineReader
        if let file, file != "-" {
            guard let opened = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
            reader = LineReader(handle: opened)
        } else {
            reader = LineReader(handle: .standardInput)
        }
        let deployment = try await openLedger(ledgerOptions)
        let ledger = deployment.ledger
        var lineNumber = 0
        var failures = 0
        let window = concurrency
        try await withThrowingTaskGroup(of: (Int, Result<UInt64, any Error>).self) { group in
            var inFlight = 0
            func report(_ result: (Int, Result<UInt64, any Error>)) {
                switch result.1 {
                case .success(let index): emit("line \(result.0) index \(index)")
                case .failure(let error):
                    failures += 1
                    printError("signet: line \(result.0): \(error)")
                }
            }
            while let line = reader.next() {
                lineNumber += 1
                let number = lineNumber
                let entry = line
                group.addTask { (number, await Result { try await ledger.append(entry) }) }
                inFlight += 1
                if inFlight >= window, let done = try await group.next() {
                    inFlight -= 1
                    report(done)
                }
            }
            for try await done in group { report(done) }
        }
        let size = await ledger.sequencer.checkpoint?.checkpoint.size ?? 0
        await deployment.close()
        printError("signet: appended \(lineNumber - failures) of \(lineNumber) entries; log size \(size)")
        if failures > 0 { throw ExitCode.failure }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

struct LogProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Print an offline c2sp.org/tlog-proof@v1 proof for one entry.")

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: "Index of the entry.")
    var index: UInt64

    func run() async throws {
        let deployment = try await openLedger(ledgerOptions)
        do {
            print(try await deployment.ledger.proof(index: index).text, terminator: "")
        } catch let error as LogError {
            await deployment.close()
            printError("signet: \(error.reason)")
            throw ExitCode.failure
        }
        await deployment.close()
    }
}
