import ArgumentParser
import Foundation
import SignetService
import SignetStore
import SignetWatch

/// `signet admin watch findings`: what the watch found on this deployment.
struct AdminWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "The watch's findings.", subcommands: [Findings.self])

    struct Findings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest findings: time, rule, parties, holders affected, summary.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: "How many (1 to 10000).") var limit = 50

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        }

        func run() async throws {
            try await withAdminStores(ledgerOptions) { stores in
                let findings = try await stores.watch.findings(limit: limit)
                if findings.isEmpty { print("no findings") }
                for finding in findings {
                    print("\(finding.time.formatted(.iso8601))\t\(finding.rule.rawValue)\t\(finding.parties.joined(separator: ","))\t\(finding.holders) holders\t\(finding.summary)"
                          + (finding.ledgerIndex.map { "\tledger index \($0)" } ?? ""))
                }
            }
        }
    }
}
