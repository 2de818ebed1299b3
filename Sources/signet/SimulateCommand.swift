import ArgumentParser
import Foundation

/// `signet simulate auction`: the watch against a thief's ring, on a throw-away store.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run a simulated marketplace on a throw-away store.", subcommands: [Auction.self])

    struct Auction: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Honest parties with their own rhythms, and a thief auctioning a stolen dump through a ring of new parties.",
            discussion: """
                Drives the real workflows (offers, grants, consent tokens, verifications, the watch and its \
                response) on an in-memory store with a simulated clock, so a seed gives the same figures on any \
                machine. Prints the time from the attack's start to its detection, the holders the ring verified \
                before it, and false alarms among the honest traffic. Embeddings are synthetic and rate limits \
                are lifted, so the watch alone stands between the ring and the holders.
                """)
        @Option(help: "Seed of every random choice.") var seed: UInt64 = 1
        @Option(help: "Holders (20 to 5000).") var holders = 200
        @Option(name: .customLong("honest-parties"), help: "Established honest parties (1 to 100).") var honestParties = 8
        @Option(name: .customLong("ring-size"), help: "Parties in the thief's ring (1 to 50).") var ringSize = 5
        @Flag(help: "Print one JSON object instead of text.") var json = false

        func validate() throws {
            guard (20...5000).contains(holders) else { throw ValidationError("--holders must be between 20 and 5000") }
            guard (1...100).contains(honestParties) else { throw ValidationError("--honest-parties must be between 1 and 100") }
            guard (1...50).contains(ringSize) else { throw ValidationError("--ring-size must be between 1 and 50") }
        }

        func run() async throws {
            var parameters = AuctionSimulation.Parameters()
            (parameters.seed, parameters.holders, parameters.honestParties, parameters.ringSize) = (seed, holders, honestParties, ringSize)
            let report = try await AuctionSimulation(parameters: parameters).run()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            print("signet simulate auction, seed \(seed): \(holders) holders, \(honestParties) honest parties and a new one, a ring of \(ringSize) new parties")
            print("  honest verifications: \(report.honest_events); false alarms: \(report.false_alarms)")
            print("  ring attempts: \(report.ring_attempts), from \(Int(parameters.attackAt)) s into the traffic")
            if let time = report.time_to_detection_s, let rule = report.detected_by {
                print("  detected \(String(format: "%.3f", time)) s after the attack started, by the \(rule) rule")
            } else {
                print("  NOT detected")
            }
            print("  holders the ring verified before detection: \(report.holders_affected)")
            print("  response: \(report.ring_suspended)/\(ringSize) ring parties suspended, \(report.grants_frozen) grants frozen; ring requests answered after detection: \(report.ring_answered_after_detection)")
            for finding in report.findings {
                print("  finding at \(String(format: "%.3f", finding.at_s)) s: \(finding.rule) \(finding.parties.joined(separator: ",")) (\(finding.ring ? "ring" : "HONEST PARTY")), \(finding.holders) holders, actions: \(finding.actions.joined(separator: ",").isEmpty ? "none" : finding.actions.joined(separator: ","))")
            }
        }
    }
}
