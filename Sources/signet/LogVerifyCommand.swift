import ArgumentParser
import Foundation
import SignetLog
#if canImport(FoundationNetworking)
import FoundationNetworking
import SignetCore
#endif

/// `signet log verify`: an auditor's full check of a served log.
struct LogVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit a log over HTTP: signature, every entry and tile, root, and consistency with the last run.",
        discussion: """
            With --state, the checkpoint verified last time is read from FILE, the new one must be a
            consistent extension of it (no rollback, no fork), and FILE is updated on success.
            Exits non-zero with one line of explanation on any failure.
            """)

    @Option(help: "The log's URL prefix, e.g. http://127.0.0.1:8080/log/")
    var url: String

    @Option(help: "The log's verifier key (<origin>+<key id>+<base64 key>), as printed by `signet log key`.")
    var vkey: String

    @Option(help: "State file remembering the last verified checkpoint.")
    var state: String?

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "") else {
            throw ValidationError("--url must be an http:// or https:// URL")
        }
        do { _ = try NoteVerifier(vkey: vkey) } catch { throw ValidationError("--vkey: \(error)") }
    }

    func run() async throws {
        let verifier = try NoteVerifier(vkey: vkey)
        var previous: AuditState?
        if let state, FileManager.default.fileExists(atPath: state) {
            do {
                previous = try JSONDecoder().decode(AuditState.self, from: Data(contentsOf: URL(fileURLWithPath: state)))
            } catch {
                printError("signet: state file \(state) is unreadable: \(error.localizedDescription)")
                throw ExitCode.failure
            }
        }
        let base = url.hasSuffix("/") ? url : url + "/"
        let auditor = LogAuditor(fetcher: HTTPLogFetcher(base: base), verifier: verifier)
        let result: AuditState
        do {
            result = try await auditor.audit(previous: previous) { done, total in
                if total >= 1000 && (done % 500 == 0 || done == total) { printError("signet: verified \(done) of \(total) tiles") }
            }
        } catch {
            printError("signet: verification FAILED: \(error)")
            throw ExitCode.failure
        }
        if let state {
            let data = try JSONEncoder().encode(result)
            let temporary = state + ".tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, state) == 0 else {
                printError("signet: cannot update state file \(state)")
                throw ExitCode.failure
            }
        }
        let extended = previous.map { " (consistent with previously verified size \($0.size))" } ?? ""
        print("OK \(result.origin) size \(result.size) root \(result.root)\(extended)")
    }
}

/// Fetches log resources with URLSession; any non-200 status is an error.
struct HTTPLogFetcher: LogFetcher {
    let base: String

    func fetch(_ path: String) async throws -> [UInt8] {
        guard let url = URL(string: base + path) else { throw LogError(.notFound, "bad URL for \(path)") }
        var request = URLRequest(url: url)
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            throw LogError(.notFound, "GET \(path) answered \(status)")
        }
        return [UInt8](data)
    }
}
