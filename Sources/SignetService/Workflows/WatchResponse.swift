public import Foundation
import Logging
import SignetCore
public import SignetMarket
public import SignetWatch

/// What the server did about one finding.
public struct WatchResponse: Sendable, Equatable {
    /// The finding.
    public let finding: Finding
    /// Its `finding` entries in the ledger, one per party.
    public let ledgerIndices: [UInt64]
    /// The trust protocol's actions taken (``Rule/BreachResponse``), in order.
    public let actions: [String]
    /// Grants frozen.
    public let grantsFrozen: Int
    /// Offers withdrawn.
    public let offersWithdrawn: Int
}

/// The watch's findings, answered: logged, kept, told to the holders, the operator and the
/// webhook, and met with the trust protocol's consequences.
extension SignetService {
    /// The longest wait between attempts at a response that keeps failing.
    static let longestRetryWait: TimeInterval = 300

    /// Responds to every finding due. A response that fails is queued again and retried after
    /// a doubling wait (1 s, 2 s, … at most ``longestRetryWait``), for as long as this process
    /// runs: a finding is never dropped because the store or ledger was briefly unavailable.
    /// - Parameter includingWaiting: also the findings still waiting to be retried (at shutdown).
    @discardableResult
    public func respondToWatch(includingWaiting: Bool = false) async -> [WatchResponse] {
        var responses: [WatchResponse] = []
        for var pending in watch.takeDue(at: includingWaiting ? .distantFuture : now) {
            do {
                responses.append(try await respond(to: &pending))
            } catch {
                pending.failures += 1
                let wait = min(Self.longestRetryWait, Double(1 << min(pending.failures - 1, 16)))
                pending.due = now.addingTimeInterval(wait)
                watch.retry(pending)
                configuration.logger.error("the response to a watch finding failed; retrying in \(Int(wait)) s: \(error)", metadata: [
                    "finding": "\(pending.finding.id)", "rule": "\(pending.finding.rule.rawValue)", "failures": "\(pending.failures)",
                ])
            }
        }
        return responses
    }

    /// Answers findings as they come, retries failed responses when their wait is over, plants
    /// the decoys enrollments drew when their moment comes, and reloads the honey marks other
    /// instances planted every minute, until the task is cancelled (`signet serve` runs it).
    /// Decoys still scheduled at cancellation are not planted: planting them all at shutdown
    /// would give them one telltale time.
    public func runWatch() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in watch.signals { await respondToWatch() }
            }
            group.addTask {
                var ticks = 0
                while (try? await Task.sleep(for: .seconds(1))) != nil {
                    ticks += 1
                    if watch.hasDue(at: now) { watch.wake() }
                    await plantDueHoney()
                    if ticks % 60 == 0 {
                        do {
                            try await loadHoneyMarks()
                        } catch {
                            configuration.logger.warning("reloading the honey marks failed; decoys planted by other instances since are not watched yet: \(error)")
                        }
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Logs one `finding` entry per party, keeps the finding with its holders' alerts, applies
    /// the protocol's actions, alerts the operator and posts the webhook.
    ///
    /// Each step done is noted in `pending` (an `inout` is written back when this throws), so a
    /// retry after a failure does not repeat it: `finding` entries and the stored record are
    /// made once; an offer withdrawn whose `decline` entry was not written yet is kept in
    /// `pending` and logged by the retry (once: if the failed attempt appended it, the retry
    /// finds it); a party found suspended is not suspended again and a frozen grant is not
    /// frozen again. One repeat remains possible: a suspension is logged before it is applied,
    /// so if applying it fails, the retry logs it a second time.
    func respond(to pending: inout PendingFinding) async throws -> WatchResponse {
        let finding = pending.finding
        let parties = finding.parties.compactMap(PartyID.init)
        for party in parties.dropFirst(pending.ledgerIndices.count) {
            pending.ledgerIndices.append(try await recorder.record(.finding(party: party, rule: finding.rule.rawValue), at: finding.time))
        }
        let indices = pending.ledgerIndices
        if !pending.stored {
            try await stores.watch.record(FindingRecord(finding, ledgerIndex: indices.first), alerts: HolderAlert.alerts(for: finding))
            pending.stored = true
        }
        let actions = try await breachActions(for: finding.rule)
        try await logWithdrawals(&pending)
        for party in parties {
            if actions.contains(Rule.BreachResponse.suspendParty), try await stores.identities.party(party)?.status != .suspended {
                _ = try await suspend(party: party.rawValue)
            }
            if actions.contains(Rule.BreachResponse.freezeGrants) {
                pending.grantsFrozen += try await stores.grants.revokeAll(.party(party.rawValue), cause: .watch, now: now).count
                statusListCache.clear()
            }
            if actions.contains(Rule.BreachResponse.withdrawOffers) {
                try await withdrawOffers(of: party, into: &pending)
            }
        }
        configuration.logger.critical("watch finding: \(finding.summary)", metadata: [
            "finding": "\(finding.id)", "rule": "\(finding.rule.rawValue)", "parties": "\(finding.parties.joined(separator: ","))",
            "holders_affected": "\(finding.holders.count)", "actions": "\(actions.joined(separator: ","))",
        ])
        if let webhook {
            webhook.deliver(id: finding.id, body: Self.webhookBody(finding, actions: actions, ledgerIndices: indices), now: configuration.now)
        }
        return WatchResponse(finding: finding, ledgerIndices: indices, actions: actions, grantsFrozen: pending.grantsFrozen,
                             offersWithdrawn: pending.offersWithdrawn)
    }

    /// The actions the trust protocol in force names for `rule` (none without a breach response).
    func breachActions(for rule: Finding.Rule) async throws -> [String] {
        for protocolRule in try await activeProtocol().rules.rules {
            if case .breachResponse(let responses) = protocolRule.check { return responses[rule.rawValue] ?? [] }
        }
        return []
    }

    /// Declines the party's pending offers and its open counters, each logged as `decline`.
    /// A withdrawal is noted in `pending` before its entry is written, so a failure in between
    /// leaves the entry to the retry.
    private func withdrawOffers(of party: PartyID, into pending: inout PendingFinding) async throws {
        for offer in try await stores.offers.offers(partyID: party.rawValue) {
            let closed: Offer? = switch offer.status {
            case .pending: try await stores.offers.decide(offer.id, holderID: offer.holderID, status: .declined, at: now)
            case .countered: try await stores.offers.settle(offer.id, partyID: party.rawValue, status: .declined, at: now)
            case .accepted, .declined: nil
            }
            guard closed != nil, let holder = HolderID(offer.holderID) else { continue }
            pending.unloggedWithdrawals.append(await recorder.once(.decline(holder: holder, party: party, offer: offer.id), at: now))
            pending.offersWithdrawn += 1
            try await logWithdrawals(&pending)
        }
    }

    /// Writes the `decline` entries of withdrawals not logged yet.
    private func logWithdrawals(_ pending: inout PendingFinding) async throws {
        while !pending.unloggedWithdrawals.isEmpty {
            try await recorder.record(&pending.unloggedWithdrawals[0])
            pending.unloggedWithdrawals.removeFirst()
        }
    }

    /// The webhook's JSON: no holder ids, only how many holders were affected.
    static func webhookBody(_ finding: Finding, actions: [String], ledgerIndices: [UInt64]) -> [UInt8] {
        let body: JSONValue = .object([
            "type": .string("signet.finding"), "id": .string(finding.id), "rule": .string(finding.rule.rawValue),
            "time": .number(finding.time.timeIntervalSince1970.rounded(.down)), "parties": .array(finding.parties.map { .string($0) }),
            "holders_affected": .number(Double(finding.holders.count)), "summary": .string(finding.summary),
            "actions": .array(actions.map { .string($0) }), "ledger_indices": .array(ledgerIndices.map { .number(Double($0)) }),
        ])
        return (try? CanonicalJSON.encode(body)) ?? []
    }

    /// The caller's alerts, newest first.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func alerts(as caller: PrincipalID, limit: Int = 100) async throws -> [HolderAlert] {
        try await stores.watch.alerts(holderID: try requireHolder(caller).rawValue, limit: limit)
    }

    /// The newest findings, for the operator.
    public func findings(limit: Int = 100) async throws -> [FindingRecord] {
        try await stores.watch.findings(limit: limit)
    }
}
