import HTTPTypes
import NIOConcurrencyHelpers
import OpenAPIRuntime
import SignetAPI

/// The methods each path of the generated API accepts, read off the generated server's own
/// route registration, so a known path asked with another method can answer 405 with `Allow`.
struct OperationTable: Sendable {
    private struct Route: Sendable {
        /// Literal segments, or nil for a `{parameter}` segment.
        let segments: [String?]
        var methods: [HTTPRequest.Method]
    }

    private let routes: [Route]

    /// Records every operation `api` registers, without serving any of them.
    init(recording api: some APIProtocol) {
        let recorder = Recorder()
        // Only an invalid server URL can fail here, and the default one is valid.
        try? api.registerHandlers(on: recorder)
        var routes: [Route] = []
        for (method, path) in recorder.registered.withLockedValue({ $0 }) {
            let segments: [String?] = Self.segments(path).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : String($0) }
            if let index = routes.firstIndex(where: { $0.segments == segments }) {
                routes[index].methods.append(method)
            } else {
                routes.append(Route(segments: segments, methods: [method]))
            }
        }
        self.routes = routes
    }

    /// The methods `path` accepts, or nil when no operation has this path.
    func methods(forPath path: String) -> [HTTPRequest.Method]? {
        let requested = Self.segments(path)
        return routes.first { route in
            route.segments.count == requested.count
                && zip(route.segments, requested).allSatisfy { literal, segment in literal.map { $0 == segment } ?? !segment.isEmpty }
        }?.methods
    }

    /// The path's segments after the leading slash, without any query.
    private static func segments(_ path: String) -> [Substring] {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(path)
        return Array(withoutQuery.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }

    /// A transport that only writes down what is registered on it.
    private final class Recorder: ServerTransport, Sendable {
        let registered = NIOLockedValueBox<[(HTTPRequest.Method, String)]>([])

        func register(
            _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
            method: HTTPRequest.Method, path: String
        ) throws {
            registered.withLockedValue { $0.append((method, path)) }
        }
    }
}
