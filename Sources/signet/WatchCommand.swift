import ArgumentParser
import Foundation
import SignetCore
import SignetLog
import SignetWatch

/// `signet watch`: the watch's rules run by anyone, on what the public log shows.
///
/// Outside the server there are no refused attempts and no probes, and every entry names a
/// fresh holder pseudonym, so the rules that remain are the ones the ledger itself shows:
/// bursts (a party's `use` entries far above its own baseline) and the auction (new parties,
/// by their `approve` entries, with many `use` entries in a short window; each entry counts as
/// its own holder, so holder counts are upper bounds). Each run verifies the new checkpoint,
/// a consistency proof from the last one, and every new entry's inclusion, reading only what
/// was added since.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run the watch's rules over a Signet ledger, incrementally, from outside.",
        discussion: """
            The state file keeps the last verified checkpoint and the little the rules need to \
            remember (parties' admissions, the last ten minutes of use entries, findings already \
            reported). The first run reads the whole log; later runs read only what was added. \
            Prints one line per finding and a summary; exits non-zero when the log fails to verify.
            """)

    @Option(help: "The log's URL prefix, e.g. http://127.0.0.1:8080/log/") var url: String
    @Option(help: "The log's verifier key (<origin>+<key id>+<base64 key>), as printed by `signet log key`.") var vkey: String
    @Option(help: "State file (created on the first run).") var state: String
    @Option(help: "Run again every this many seconds (1 to 3600) instead of once.") var every: Int?

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
            throw ValidationError("--url must be an http:// or https:// URL")
        }
        do { _ = try NoteVerifier(vkey: vkey) } catch { throw ValidationError("--vkey: \(error)") }
        if let every, !(1...3600).contains(every) { throw ValidationError("--every must be between 1 and 3600") }
    }

    func run() async throws {
        let auditor = LogAuditor(fetcher: HTTPLogFetcher(base: url.hasSuffix("/") ? url : url + "/"), verifier: try NoteVerifier(vkey: vkey))
        repeat {
            try await step(auditor)
            if let every { try await Task.sleep(for: .seconds(every)) }
        } while every != nil
    }

    /// One incremental pass: verify, read the new entries, run the rules, save the state.
    private func step(_ auditor: LogAuditor) async throws {
        var memory: WatchMemory
        do {
            memory = FileManager.default.fileExists(atPath: state)
                ? try JSONDecoder().decode(WatchMemory.self, from: Data(contentsOf: URL(fileURLWithPath: state))) : WatchMemory()
        } catch {
            printError("signet: state file \(state) is unreadable: \(error.localizedDescription)")
            throw ExitCode.failure
        }
        var detector = memory.restoredDetector()
        var read = 0, found = 0
        repeat {
            let step: FollowedEntries
            do {
                step = try await auditor.follow(previous: memory.log)
            } catch {
                printError("signet: verification FAILED: \(error)")
                throw ExitCode.failure
            }
            for entry in step.entries {
                // Times outside 1970…9999 are no real event's; a hostile log could overflow the arithmetic with them.
                guard let event = try? LedgerEvent(parsing: entry), (0...253_402_300_799).contains(event.time),
                      let observation = memory.observation(of: event) else { continue }
                for finding in detector.observe(observation) where memory.isNew(finding) {
                    found += 1
                    print("finding \(finding.rule.rawValue) at \(finding.time.formatted(.iso8601)) parties \(finding.parties.joined(separator: ",")): \(finding.summary)")
                }
            }
            read += step.entries.count
            memory.log = step.state
            try memory.save(to: state)
            if step.complete { break }
        } while true
        print("OK \(memory.log?.origin ?? "") size \(memory.log?.size ?? 0): \(read) new entries, \(found) findings")
    }
}

/// What `signet watch` remembers between runs.
struct WatchMemory: Codable {
    /// The last verified checkpoint.
    var log: AuditState?
    /// Parties' admissions (`approve` entries), seconds since 1970.
    var admitted: [String: Int64] = [:]
    /// `use` entries of the last ``horizon`` seconds, as (time, party), oldest first.
    var recent: [Use] = []
    /// Findings already reported, by rule and party, with when.
    var reported: [String: Int64] = [:]

    struct Use: Codable {
        var time: Int64
        var party: String
    }

    /// How far back the rules look: the burst baseline's history with margin.
    static let horizon: Int64 = 900

    /// A detector that has seen the remembered admissions and recent uses (their findings were
    /// reported by earlier runs, so they are dropped).
    func restoredDetector() -> WatchDetector {
        var detector = WatchDetector()
        for (party, time) in admitted.sorted(by: { $0.value < $1.value }) {
            _ = detector.observe(Observation(.admitted, party: party, at: Date(timeIntervalSince1970: Double(time))))
        }
        for use in recent {
            _ = detector.observe(Observation(.attempt, party: use.party, at: Date(timeIntervalSince1970: Double(use.time))))
        }
        return detector
    }

    /// The observation an entry is, remembered for the next run; `nil` for entries the rules do not read.
    mutating func observation(of event: LedgerEvent) -> Observation? {
        let time = Date(timeIntervalSince1970: Double(event.time))
        switch event.kind {
        case .approve:
            guard let party = event.party else { return nil }
            admitted[party] = event.time
            return Observation(.admitted, party: party, at: time)
        case .use:
            guard let party = event.party else { return nil }
            recent.append(Use(time: event.time, party: party))
            if let first = recent.first, first.time < event.time - Self.horizon {
                recent.removeAll { $0.time < event.time - Self.horizon }
            }
            return Observation(.attempt, party: party, at: time)
        default:
            return nil
        }
    }

    /// Whether `finding` was not reported yet within the rules' cooldown (remembering it if so).
    mutating func isNew(_ finding: Finding) -> Bool {
        let now = Int64(finding.time.timeIntervalSince1970)
        let cooldown = Int64(WatchRules().cooldown)
        let keys = finding.parties.map { "\(finding.rule.rawValue) \($0)" }
        guard keys.contains(where: { (reported[$0] ?? .min) < now - cooldown }) else { return false }
        for key in keys { reported[key] = now }
        reported = reported.filter { $0.value >= now - cooldown }
        return true
    }

    /// Writes the state atomically (a new file renamed over the old one).
    func save(to path: String) throws {
        let temporary = path + ".tmp"
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw ValidationError("cannot update state file \(path)") }
    }
}
