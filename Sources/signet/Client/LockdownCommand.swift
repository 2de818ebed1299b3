import ArgumentParser
import Foundation
import SignetAPI
import OpenAPIRuntime
import SignetClient

/// `signet holder lockdown`: everything stops at once.
extension HolderCommand {
    struct Lockdown: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lock everything down: revoke every grant, refuse every pending offer, lock every template until renewed.",
            discussion: """
                For when your signature may be out. Every party is told. Only renewing a template from a fresh \
                sample (`signet holder renew`) makes it usable again: the renewal replaces its helper data and key, \
                so a stolen copy of the old ones is useless. Asks you to type LOCKDOWN unless --yes is given.
                """)
        @OptionGroup var client: ClientOptions
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() async throws {
            if !yes {
                print("This revokes every grant, refuses every pending offer and locks every template until you renew it.")
                print("Type LOCKDOWN to go on: ", terminator: "")
                guard readLine()?.trimmingCharacters(in: .whitespaces) == "LOCKDOWN" else {
                    throw ValidationError("not locked down: the confirmation was not LOCKDOWN (use --yes in scripts)")
                }
            }
            try await runClient {
                let outcome = try await holderClient(client).lockdown(
                    headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init(confirm: true))).ok.body.json
                print("locked down (ledger index \(outcome.ledgerIndex)): \(outcome.grantsRevoked) grants revoked, "
                      + "\(outcome.offersRefused) offers refused, \(outcome.templatesLocked) templates locked until renewed")
                if !outcome.partiesNotified.isEmpty { print("parties told: \(outcome.partiesNotified.joined(separator: ", "))") }
            }
        }
    }
}

/// `signet holder alerts`: what the watch told you.
extension HolderCommand {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The watch's alerts to you, newest first: what happened and what to do.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let alerts = try await holderClient(client).listHolderAlerts().ok.body.json.alerts
                if alerts.isEmpty { print("no alerts") }
                for alert in alerts {
                    print("\(alert.time.formatted(.iso8601)) \(alert.rule.rawValue)\(alert.partyId.map { " \($0)" } ?? ""): \(alert.message)")
                }
            }
        }
    }
}
