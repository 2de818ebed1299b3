import Crypto
import Foundation
import Synchronization
import SignetCore
import SignetMarket
public import SignetVault

/// The application: every workflow of Signet, on one ledger and one set of stores.
///
/// The JSON API, the dashboard and the operator's CLI all call these workflows, so an action
/// is checked, recorded and observed the same way whichever front end asked for it. Nothing
/// here knows about HTTP: inputs are typed values, outcomes are typed values, and failures are
/// ``ServiceError``s with a code.
public struct SignetService: Sendable {
    /// The transparency log every event goes to.
    public let ledger: Ledger
    /// Where state is kept.
    public let stores: Stores
    /// Signs verification results.
    public let results: ResultSigner
    /// The deployment's template protection.
    public let vault: VaultConfiguration
    /// Policy, clock and randomness.
    public let configuration: ServiceConfiguration
    /// Records every event (and tells the observers, the watch first).
    public let recorder: EventRecorder
    /// The breach-pattern detector over everything this instance sees.
    public let watch: Watch
    /// Posts findings to the operator's webhook, when one is configured.
    let webhook: WebhookSender?
    /// The trust protocol in force, as last read (``activeProtocol()``).
    let protocolCache = TimedCache<ActiveProtocol>(lifetime: 5)
    /// The signed status list, as last made (``statusListToken()``).
    let statusListCache = TimedCache<String>(lifetime: 10)
    /// The base URL clients reach this server at: ``ServiceConfiguration/publicURL`` until a
    /// server that learns its port only once listening (port 0) names the real one.
    public let publicURL: PublicURL
    /// Parsed templates for probe mode, keyed by id and public key (see ``TemplateVersion``).
    let parsedTemplates = BoundedCache<TemplateVersion, ProtectedTemplate>(capacity: 256 << 20) { $0.dimension * $0.dimension * 4 }
    /// Grants by token hash, as first read (see ``storedGrant(tokenHash:)``).
    let grantsByToken = BoundedCache<[UInt8], Grant>(capacity: 100_000)
    /// Consent tokens whose issuer signature and disclosures checked out, by their text without
    /// the key binding: a party presents one token many times, each time with a fresh
    /// key-binding JWT.
    let consentTokens = BoundedCache<String, VerifiedConsentToken>(capacity: 100_000)

    /// Creates the application.
    /// - Parameter observers: see every event once it is durable (the watch attaches here).
    public init(ledger: Ledger, stores: Stores, results: ResultSigner, vault: VaultConfiguration,
                configuration: ServiceConfiguration = ServiceConfiguration(), observers: [any EventObserver] = []) {
        self.ledger = ledger
        self.stores = stores
        self.results = results
        self.vault = vault
        self.configuration = configuration
        self.publicURL = PublicURL(configuration.publicURL)
        let watch = Watch(rules: configuration.watchRules, key: configuration.watchKey ?? SymmetricKey(data: configuration.random.bytes(32)))
        self.watch = watch
        self.webhook = configuration.webhook.map { WebhookSender(configuration: $0, logger: configuration.logger) }
        self.recorder = EventRecorder(log: ledger, activity: stores.activity, random: configuration.random, observers: [watch] + observers)
    }

    /// The current time of the configured clock.
    var now: Date { configuration.now() }
}

extension SignetService {
    /// The caller, who must be a holder.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    func requireHolder(_ caller: PrincipalID) throws -> HolderID {
        guard let holder = HolderID(caller) else { throw ServiceError(.holderOnly, "only a holder may do this") }
        return holder
    }

    /// The caller, who must be a registered and approved party (its standing is read afresh).
    /// - Throws: ``ServiceError`` `.partyOnly` or `.partyNotApproved`.
    func requireApprovedParty(_ caller: PrincipalID) async throws -> Party {
        guard let id = PartyID(caller), let party = try await stores.identities.party(id) else {
            throw ServiceError(.partyOnly, "only a registered party may verify")
        }
        guard party.status == .approved else {
            throw ServiceError(.partyNotApproved, "the operator has not approved this party")
        }
        return party
    }

    /// Runs `work`, turning ``MarketError``s into ``ServiceError``s with the same meaning.
    static func mappingMarketErrors<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as MarketError { throw ServiceError(market: error) }
    }
}

extension ServiceError {
    /// The service error with the same meaning as a market error.
    init(market error: MarketError, file: String = #fileID, line: Int = #line) {
        let code: Code = switch error.code {
        case .conflict: .conflict
        case .notFound: .notFound
        case .invalidField: .invalidField
        }
        self.init(code, error.reason, file: file, line: line)
    }
}

/// One version of a stored template: its id and its public key.
///
/// Renewal replaces a template's helper data and its codeword, so its public key changes too (a
/// fresh random codeword; equal keys would take a collision of the key derivation). A parsed
/// template cached under this key can therefore never be served after its template was renewed,
/// on this instance or another one sharing the database, and a deleted one is not found at all.
struct TemplateVersion: Hashable, Sendable {
    let id: TemplateID
    let publicKey: [UInt8]
}

/// The base URL clients reach the server at; set once more by a server that learns its port
/// only when listening.
public final class PublicURL: Sendable {
    private let value: Mutex<String>

    init(_ url: String) { value = Mutex(url) }

    /// The URL, without a trailing `/`.
    public var current: String { value.withLock { $0 } }

    /// Names the URL the server is really reached at.
    public func set(_ url: String) { value.withLock { $0 = url } }
}
