import ArgumentParser
import Foundation
import SignetMarket

import SignetServer
import SignetStore

/// `signet admin …`: operator actions on the local store.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Operator actions.", subcommands: [AdminPartyCommand.self])
}

struct AdminPartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party", abstract: "List, approve or suspend parties.",
        subcommands: [List.self, Approve.self, Suspend.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List parties (all, or with --status).")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: "pending, approved or suspended.")
        var status: PartyStatus?

        func run() async throws {
            try await withAdminStore(ledgerOptions) { identities in
                for party in try await identities.parties(status: status) {
                    print("\(party.id)\t\(party.status.rawValue)\t\(party.name)\t\(party.contact)")
                }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a pending party.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Argument(help: "The party id (p_…).")
        var id: String

        func run() async throws { try await setStatus(.approved, id: id, options: ledgerOptions) }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a party.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Argument(help: "The party id (p_…).")
        var id: String

        func run() async throws { try await setStatus(.suspended, id: id, options: ledgerOptions) }
    }
}

extension PartyStatus: ExpressibleByArgument {}

/// Runs `body` with the identity store of the configured data directory or database, then closes it.
private func withAdminStore(_ options: LedgerOptions, _ body: (any IdentityStorage) async throws -> Void) async throws {
    let configuration = try options.configuration()
    let sqlite: SQLiteIdentityStorage?
    let postgres: PostgresIdentityStorage?
    do {
        if let url = configuration.databaseURL {
            (sqlite, postgres) = (nil, try await PostgresIdentityStorage.connect(url: url))
        } else {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            (sqlite, postgres) = (try await SQLiteIdentityStorage.open(path: configuration.sqlitePath), nil)
        }
    } catch {
        printError("signet: \(error)")
        throw ExitCode.failure
    }
    let store: any IdentityStorage = sqlite ?? postgres!
    do {
        try await body(store)
    } catch {
        await sqlite?.close()
        await postgres?.close()
        throw error
    }
    await sqlite?.close()
    await postgres?.close()
}

private func setStatus(_ status: PartyStatus, id: String, options: LedgerOptions) async throws {
    guard let partyID = PrincipalID(id), partyID.kind == .party else { throw ValidationError("\(id) is not a party id (p_…)") }
    try await withAdminStore(options) { identities in
        guard let party = try await identities.setStatus(status, of: partyID) else {
            printError("signet: no party \(id)")
            throw ExitCode.failure
        }
        print("\(party.id)\t\(party.status.rawValue)\t\(party.name)")
    }
}
