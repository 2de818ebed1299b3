import Crypto
import Foundation
import Hummingbird
import Mustache
import SignetCore
import SignetLog
import SignetMarket
import SignetService

/// The activity page: the holder's ledger events, newest first, each checked against the log,
/// with a picture of events per day.
extension DashboardRoutes {
    /// Events per page of the activity list.
    static let activityPageSize = 25

    /// `GET /dashboard/activity[?page=N]` (0, the default, is the newest page).
    func activity(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let caller = session.holder.principal
        let pageNumber = try Self.pageNumber(request)
        let timeline = try await service.activityTimeline(as: caller)

        // The newest page first: page N covers the events from position end - size to end.
        let end = max(0, timeline.count - pageNumber * Self.activityPageSize)
        let start = max(0, end - Self.activityPageSize)
        var entries: [EventView] = []
        if end > start {
            let cursor = start > 0 ? String(timeline[start - 1].ledgerIndex) : nil
            let page = try await service.activity(as: caller, after: cursor, limit: end - start)
            var checker = EntryChecker(verifier: service.ledger.verifier, secret: SymmetricKey(data: page.activitySecret))
            let logged = page.entries.map { try? LedgerEvent(parsing: $0.entry) }
            let names = try await service.partyNames(logged.compactMap { $0?.party })
            entries = zip(page.entries, logged).reversed().map { checker.view(of: $0.0, logged: $0.1, names: names) }
        }
        let view = ActivityView(
            entries: entries, hasEntries: !entries.isEmpty, total: timeline.count,
            newer: pageNumber > 0 ? "\(Self.prefix)/activity?page=\(pageNumber - 1)" : nil,
            older: start > 0 ? "\(Self.prefix)/activity?page=\(pageNumber + 1)" : nil,
            perDay: DashboardCharts.eventsPerDay(timeline, now: now))
        return page("activity", title: "Activity", current: "activity", session: session, view)
    }

    /// `page`, a whole number below 10,000; 0 when absent.
    /// - Throws: ``DashboardFailure`` 400 for anything else.
    static func pageNumber(_ request: Request) throws -> Int {
        let values = request.uri.queryParameters[values: "page"]
        guard let text = values.first else { return 0 }
        guard values.count == 1, (1...4).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let page = Int(text) else {
            throw DashboardFailure.badForm("The page number must be a whole number below 10000.")
        }
        return page
    }
}

/// Checks each entry as the holder's own device would (`signet holder activity`): the
/// checkpoint's signature, the inclusion proof, and that the entry's pseudonym and commitment
/// open to the holder's private record. A checkpoint is verified once per page.
struct EntryChecker {
    let verifier: NoteVerifier
    let secret: SymmetricKey
    private var checkpoints: [String: VerifiedCheckpoint] = [:]

    init(verifier: NoteVerifier, secret: SymmetricKey) {
        self.verifier = verifier
        self.secret = secret
    }

    /// The entry's row, with the size of the checkpoint it verified against, or why it did not.
    /// - Parameter logged: the entry read back as an event (`nil` when it is not one).
    mutating func view(of entry: ActivityEntry, logged: LedgerEvent?, names: [String: String]) -> EventView {
        let record = entry.record
        var checkpointSize: UInt64?
        var problem: String?
        do {
            checkpointSize = try check(entry, logged: logged)
        } catch {
            problem = "\(error)"
        }
        return EventView(
            index: record.ledgerIndex, time: DashboardFormat.time(record.time), kind: record.kind, what: Self.describe(record.kind),
            party: logged?.party.map { names[$0] ?? $0 }, details: String(decoding: record.details, as: UTF8.self),
            verified: checkpointSize != nil, checkpoint: checkpointSize.map(String.init) ?? "", problem: problem ?? "")
    }

    /// The size of the checkpoint the entry is proven in.
    private mutating func check(_ entry: ActivityEntry, logged: LedgerEvent?) throws -> UInt64 {
        let proof = entry.proof
        let checkpoint: VerifiedCheckpoint
        if let known = checkpoints[proof.checkpointNote] {
            checkpoint = known
        } else {
            checkpoint = try VerifiedCheckpoint(note: proof.checkpointNote, verifier: verifier)
            checkpoints[proof.checkpointNote] = checkpoint
        }
        guard proof.index == entry.record.ledgerIndex else { throw CheckFailure("the proof is for another entry") }
        try MerkleProof.verifyInclusion(leafIndex: proof.index, treeSize: checkpoint.checkpoint.size, leafHash: RFC6962.leafHash(entry.entry),
                                        proof: proof.path, root: checkpoint.checkpoint.root)
        guard let logged else { throw CheckFailure("the logged entry is not a Signet event") }
        guard let pseudonym = logged.pseudonym,
              ConstantTime.equal(pseudonym, LedgerEvent.pseudonym(activitySecret: secret, eventID: entry.record.eventID)) else {
            throw CheckFailure("the logged pseudonym is not yours")
        }
        var hasher = SHA256()
        hasher.update(data: entry.record.salt)
        hasher.update(data: entry.record.details)
        guard let commitment = logged.commitment, ConstantTime.equal(commitment, Array(hasher.finalize())) else {
            throw CheckFailure("the logged commitment does not match the details")
        }
        return checkpoint.checkpoint.size
    }

    /// What an event kind means, in a few words.
    static func describe(_ kind: String) -> String {
        switch kind {
        case "enroll": "You enrolled a template"
        case "renew": "You renewed a template"
        case "delete": "You deleted a template"
        case "offer": "A party made you an offer"
        case "counter": "You answered an offer with other terms"
        case "grant": "You granted a party uses of your signature"
        case "decline": "An offer was declined"
        case "use": "A party used a grant"
        case "revoke": "You revoked a grant"
        case "attest": "An attester vouched for one of your attributes"
        case "rotate_key": "You replaced your key"
        case "revoke_key": "The operator revoked your key"
        case "lockdown": "You locked everything down"
        default: kind
        }
    }

    struct CheckFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// The activity page.
struct ActivityView {
    let entries: [EventView]
    let hasEntries: Bool
    let total: Int
    let newer: String?
    let older: String?
    let perDay: ColumnChart
}

/// One event as the activity list shows it.
struct EventView {
    let index: UInt64
    let time: String
    let kind: String
    let what: String
    let party: String?
    let details: String
    let verified: Bool
    /// The size of the checkpoint the entry was verified against.
    let checkpoint: String
    let problem: String
}

extension EventView: MustacheParent {
    /// The template's keys, looked up without reflection (pages list many of these).
    func child(named name: String) -> Any? {
        switch name {
        case "index": index
        case "time": time
        case "kind": kind
        case "what": what
        case "party": party
        case "details": details
        case "verified": verified
        case "checkpoint": checkpoint
        case "problem": problem
        default: nil
        }
    }
}
