public import SignetService
public import Hummingbird
import SignetLog
import SignetCore

/// The C2SP tlog-tiles endpoints under `/log/`.
///
/// `checkpoint` changes and is never cached; tiles and entry bundles (full or partial) never
/// change once served, so they are cacheable for a year.
public struct LogRoutes: Sendable {
    // SPEC: https://c2sp.org/tlog-tiles
    let ledger: Ledger

    static let immutable = "public, max-age=31536000, immutable"
    static let prefix = "/log/tile/"

    /// Creates the routes for `ledger`.
    public init(ledger: Ledger) { self.ledger = ledger }

    /// Registers the routes on `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/log/checkpoint") { _, _ in try await checkpoint() }
        router.get("/log/tile/**") { request, _ in try await tile(path: request.uri.path) }
    }

    func checkpoint() async throws -> Response {
        let note = try await ledger.checkpointNote()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: note)))
    }

    func tile(path: String) async throws -> Response {
        guard path.hasPrefix(Self.prefix) else { throw Problem(.notFound, detail: "no such resource") }
        let tilePath: TilePath
        do {
            tilePath = try TilePath(parsing: path.dropFirst(Self.prefix.count))
        } catch let error as LogError {
            throw Problem(.invalidTilePath, detail: error.reason)
        }
        do {
            let bytes = try await ledger.tileBytes(tilePath)
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", .cacheControl: Self.immutable],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch let error as LogError where error.code == .notFound {
            throw Problem(.notFound, detail: "tile \(tilePath) is not in the log")
        }
    }
}
