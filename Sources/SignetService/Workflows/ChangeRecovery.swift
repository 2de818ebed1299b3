import Crypto
public import Foundation
public import Logging
public import ServiceLifecycle
import SignetCore
import SignetMarket
import SignetVault

/// What one recovery pass did with the journal of unfinished template changes.
public struct RecoveryReport: Sendable, Equatable {
    /// Changes whose template write had taken effect, now revoked, recorded and closed.
    public var completed = 0
    /// Changes whose write never took effect, removed from the journal.
    public var dropped = 0

    /// An empty report.
    public init(completed: Int = 0, dropped: Int = 0) {
        self.completed = completed
        self.dropped = dropped
    }
}

extension SignetService {
    /// Completes or drops every journaled template change (``PendingChange``) whose claim has
    /// run out at `now`, so an enrollment, renewal or deletion interrupted by a crash or a
    /// failing store ends with its template write, its revocations and its ledger event all
    /// done, or none.
    ///
    /// Each change is claimed first (a compare-and-set on the journal entry, for
    /// ``recoveryClaim``), so two recoveries, here or on another instance, never work on the
    /// same change, and a live request keeps its own until its claim runs out. Whether the
    /// write took effect is read from the template store: an enrolled or renewed template
    /// carries the journaled public key, a deleted one is gone. Completing searches the log for
    /// the entry before appending it, so an event is never logged twice.
    ///
    /// Known limit: when a later renewal or a deletion of the same template came first, an
    /// interrupted enrollment or renewal no longer shows its key and is dropped, so its event is
    /// missing from the ledger (the later change's event is there).
    ///
    /// - Throws: when a store or the ledger fails; what was done before stays done.
    @discardableResult
    public func recoverUnfinishedChanges(at now: Date) async throws -> RecoveryReport {
        var report = RecoveryReport()
        var seen = Set<[UInt8]>()
        while true {
            let batch = try await stores.activity.unfinished(claimableAt: now, limit: 100)
            let fresh = batch.filter { seen.insert($0.eventID).inserted }
            // A store that does not remove finished entries must not spin this loop forever.
            guard !fresh.isEmpty else { return report }
            for change in fresh where try await stores.activity.claim(eventID: change.eventID, now: now, until: now.addingTimeInterval(Self.recoveryClaim)) {
                if let event = try await eventIfWritten(change) {
                    _ = try await complete(change, as: event, recovering: true)
                    report.completed += 1
                } else {
                    try await stores.activity.finish(eventID: change.eventID)
                    report.dropped += 1
                }
            }
        }
    }

    /// How long a recovery owns a change it claimed: it finishes well within that.
    static let recoveryClaim: TimeInterval = 120

    /// The event of a journaled change whose template write took effect, or `nil`.
    private func eventIfWritten(_ change: PendingChange) async throws -> SignetEvent? {
        guard let holder = HolderID(change.holderID) else { return nil }
        let stored = try await stores.templates.template(id: change.templateID, holderID: change.holderID)
        let carriesNewKey = stored?.publicKey.map { Array(SHA256.hash(data: $0)) } == change.templateKeyHash && change.templateKeyHash != nil
        switch LedgerEvent.Kind(rawValue: change.kind) {
        case .enroll where carriesNewKey: return .enroll(holder: holder, template: change.templateID)
        case .renew where carriesNewKey: return .renew(holder: holder, template: change.templateID)
        case .delete where stored == nil: return .delete(holder: holder, template: change.templateID)
        default: return nil
        }
    }
}

/// Runs ``SignetService/recoverUnfinishedChanges(at:)`` at start and then every `interval`
/// until graceful shutdown.
public struct ChangeRecovery: Service {
    let service: SignetService
    let logger: Logger
    let interval: Duration

    /// Creates the recovery service.
    public init(service: SignetService, logger: Logger, interval: Duration = .seconds(30)) {
        self.service = service
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass; a failure is logged and retried at the next pass.
    func sweep() async {
        do {
            let report = try await service.recoverUnfinishedChanges(at: service.now)
            if report != RecoveryReport() {
                logger.notice("recovered interrupted template changes", metadata: [
                    "signet.recovery.completed": "\(report.completed)", "signet.recovery.dropped": "\(report.dropped)",
                ])
            }
        } catch {
            logger.error("cannot recover interrupted template changes; retrying later", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
