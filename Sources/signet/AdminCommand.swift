import SignetVault
// Public: PartyStatus (a public type) conforms to ExpressibleByArgument below.
public import ArgumentParser
import Crypto
import Foundation
import Logging
import SignetMarket
import SignetService
import SignetStore
import SignetCore

/// `signet admin …`: operator actions on the configured data directory or database. They run
/// the same workflows as the API, so each change is in the ledger like any other event.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Operator actions.", subcommands: [AdminPartyCommand.self, AdminKeyCommand.self, AdminProtocolCommand.self, AdminWatchCommand.self])
}

struct AdminProtocolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol", abstract: "The trust protocol: the rules every offer must satisfy, and their governance.",
        subcommands: [Show.self, Propose.self, Activate.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the trust protocol in force (RFC 8785 JSON), its content id, and any version in its notice period.",
            discussion: "Without a deployment in --data-dir, prints the protocol Signet ships with. The server serves the one in force at /v1/protocol.")
        @OptionGroup var ledgerOptions: LedgerOptions

        func run() async throws {
            guard FileManager.default.fileExists(atPath: try ledgerOptions.configuration().keyPath) else {
                let rules = TrustProtocol.standard
                print(String(decoding: try rules.canonicalJSON(), as: UTF8.self))
                printError("signet: trust protocol version \(rules.version), \(try rules.contentID()) (the one Signet ships with; no deployment here)")
                return
            }
            try await withAdminService(ledgerOptions) { service in
                let active = try await service.activeProtocol()
                print(String(decoding: try active.rules.canonicalJSON(), as: UTF8.self))
                printError("signet: trust protocol version \(active.rules.version) in force, \(active.contentID)")
                for pending in try await service.pendingProtocols() {
                    printError("signet: version \(pending.version.version) (\(pending.version.contentID)) may take effect from \(pending.version.effectiveAt.formatted(.iso8601)): "
                               + "added \(pending.diff.added), removed \(pending.diff.removed), changed \(pending.diff.changed)")
                }
            }
        }
    }

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose a new version of the trust protocol from a rule file; logged, shown to holders, in force only after its notice period.",
            discussion: "The file is the JSON `signet admin protocol show` prints, with a higher version. A file with an unknown rule or a malformed value is refused, naming it. Activate it after the notice with `signet admin protocol activate VERSION`.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Argument(help: "The rule file (JSON).") var file: String
        @Option(help: "Days of notice before it may take effect (7...365).") var noticeDays = 30

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let rules: TrustProtocol
            do { rules = try TrustProtocol(json: Array(bytes)) } catch let error as MarketError {
                throw ValidationError("\(file): \(error.reason)")
            }
            try await withAdminService(ledgerOptions) { service in
                let (pending, index) = try await service.proposeProtocol(rules, noticeDays: noticeDays)
                print("version \(pending.version.version) proposed (\(pending.version.contentID)), ledger index \(index); "
                      + "it may take effect from \(pending.version.effectiveAt.formatted(.iso8601))")
                print("added \(pending.diff.added), removed \(pending.diff.removed), changed \(pending.diff.changed)")
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a proposed version in force once its notice period is over (logged).")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Argument(help: "The version number.") var version: Int

        func run() async throws {
            try await withAdminService(ledgerOptions) { service in
                let (activated, index) = try await service.activateProtocol(version: version)
                print("version \(activated.version) in force (\(activated.contentID)), ledger index \(index)")
            }
        }
    }
}

struct AdminKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Revoke a principal's key.", subcommands: [Revoke.self])

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a holder's or party's key: it signs no request any more (logged as revoke_key / revoke_party_key).",
            discussion: "Running servers refuse the key within 5 seconds. The principal keeps its id and records; a holder whose key was revoked registers anew.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Argument(help: "The holder (h_…) or party (p_…) id.")
        var id: String

        func validate() throws {
            guard PrincipalID(id) != nil else { throw ValidationError("\(id) is not a holder (h_…) or party (p_…) id") }
        }

        func run() async throws {
            try await withAdminService(ledgerOptions) { service in
                let change = try await service.revokeKey(of: id)
                print("\(change.principal)\tkey revoked\tledger index \(change.ledgerIndex)")
            }
        }
    }
}

struct AdminPartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party", abstract: "List, approve or suspend parties.",
        subcommands: [List.self, Approve.self, Suspend.self, Attester.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List parties (all, or with --status): id, status, name, contact, and when first approved (the watch counts a party's age from it).")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: "pending, approved or suspended.")
        var status: PartyStatus?

        func run() async throws {
            try await withAdminStores(ledgerOptions) { stores in
                for party in try await stores.identities.parties(status: status) {
                    let approved = party.approvedAt.map { "\tapproved \($0.formatted(.iso8601))" } ?? ""
                    print("\(party.id)\t\(party.status.rawValue)\t\(party.name)\t\(party.contact)\(approved)")
                }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a pending party (logged as an approve event).")
        @OptionGroup var decision: PartyDecision

        func run() async throws {
            try await withAdminService(decision.ledgerOptions) { try await printChange($0.approve(party: decision.id)) }
        }
    }

    struct Attester: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Appoint an approved party an attester: it may then vouch for holders' attributes (logged as an appoint event).")
        @OptionGroup var decision: PartyDecision

        func run() async throws {
            try await withAdminService(decision.ledgerOptions) { try await printChange($0.appointAttester(party: decision.id)) }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a party (logged as a suspend event).")
        @OptionGroup var decision: PartyDecision

        func run() async throws {
            try await withAdminService(decision.ledgerOptions) { try await printChange($0.suspend(party: decision.id)) }
        }
    }
}

/// What an operator's decision about a party names: where the state is, and the party.
struct PartyDecision: ParsableArguments {
    @OptionGroup var ledgerOptions: LedgerOptions
    @Argument(help: "The party id (p_…).")
    var id: String

    func validate() throws {
        guard let partyID = PrincipalID(id), partyID.kind == .party else { throw ValidationError("\(id) is not a party id (p_…)") }
    }
}

extension PartyStatus: ExpressibleByArgument {}

private func printChange(_ change: StandingChange) {
    print("\(change.party.id)\t\(change.party.status.rawValue)\t\(change.party.name)\tledger index \(change.ledgerIndex)")
}

/// Runs a read with only the stores open, not the ledger (no log key needed), then closes them;
/// a store that cannot open prints one line and exits non-zero.
func withAdminStores(_ options: LedgerOptions, _ body: (Stores) async throws -> Void) async throws {
    let stores: Stores
    do {
        stores = try await Stores.open(options.storeConfiguration())
    } catch {
        printError("signet: \(error)")
        throw ExitCode.failure
    }
    do {
        try await body(stores)
    } catch {
        await stores.close()
        throw error
    }
    await stores.close()
}

/// Runs `body` with the workflows on the configured data directory or database, then closes
/// them; a workflow's refusal prints its sentence and exits non-zero.
///
/// The deployment's log key must be there (a decision is a ledger entry signed into the next
/// checkpoint); a missing one is refused, never created, so an operator on another host cannot
/// start a second log by accident.
private func withAdminService(_ options: LedgerOptions, _ body: (SignetService) async throws -> Void) async throws {
    var logger = Logger(label: "signet")
    logger.logLevel = .warning
    let deployment = try await LocalDeployment.open(options, createsKey: false, logger: logger)
    do {
        // Party decisions use neither the vault nor the result key: the defaults and a key of
        // this process alone keep the service whole without touching the deployment's results.key.
        let service = SignetService(ledger: deployment.ledger, stores: deployment.stores,
                                    results: await ResultSigner(privateKey: .init()), vault: try VaultConfiguration())
        try await body(service)
    } catch let error as ServiceError {
        await deployment.close()
        printError("signet: \(error.reason)")
        throw ExitCode.failure
    } catch {
        await deployment.close()
        throw error
    }
    await deployment.close()
}
