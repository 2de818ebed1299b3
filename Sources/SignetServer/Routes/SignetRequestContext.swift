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
        try await ClientAddress.$current.withValue(context.remoteAddress?.ipAddress) {
            try await next(request, context)
        }
    }
}
