#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Hummingbird
public import NIOCore

/// The request context of Signet's router: Hummingbird's basics and the connection's peer
/// address, which registration's per-address rate limit is keyed by.
public struct SignetRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer (a reverse proxy's address when there is one).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The caller's network address while an operation runs, for the workflows' per-address limits.
enum ClientAddress {
    @TaskLocal static var current: String?
}

/// Makes the peer address visible to the API handlers (which see no request context).
struct ClientAddressMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await ClientAddress.$current.withValue(context.remoteAddress.flatMap(ClientAddress.bucket)) {
            try await next(request, context)
        }
    }
}

extension ClientAddress {
    /// The rate-limit key of a peer: its IPv4 address, or its IPv6 /64. One IPv6 subscriber
    /// usually holds a whole /64, so keying by the full address would give one client 2^64
    /// buckets.
    static func bucket(_ address: SocketAddress) -> String? {
        guard case .v6 = address, let text = address.ipAddress else { return address.ipAddress }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, text, &bytes) == 1 else { return text }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }
}
