import SignetClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// A closed-loop HTTP/1.1 load generator on SwiftNIO.
///
/// Each connection sends its own list of requests one after another over one keep-alive
/// connection, so `plans.count` requests are in flight at any time. URLSession is not used
/// because on Linux it times out with more than two requests in flight to one host.
///
/// ```swift
/// let target = try LoadTarget(base: server.base)
/// let plans = (0..<64).map { _ in LoadPlan(target: target, requests: Array(repeating: LoadRequest(method: "GET", target: target, path: "/healthz"), count: 100)) }
/// let result = try await LoadGenerator.run(plans, expect: 200)
/// ```
enum LoadGenerator {
    /// Opens one connection per plan, starts them all at once, and returns when every request
    /// has been answered.
    /// - Parameters:
    ///   - expect: the status every answer should have; others are counted in the result.
    ///   - keepBodies: keep every answer's body (in plan order) in the result.
    ///   - timeout: longest wait for any one answer; a stalled server fails the run with
    ///     ``LoadConnectionHandler/NoAnswer`` instead of hanging it.
    ///   - threads: event-loop threads of the generator. One is plenty for tens of thousands of
    ///     requests a second and leaves the other cores to the server under test.
    /// - Throws: when a connection cannot be opened or breaks before all its answers arrived.
    static func run(_ plans: [LoadPlan], expect: Int, keepBodies: Bool = false, timeout: Duration = .seconds(30), threads: Int = 1) async throws -> LoadResult {
        let timeout = TimeAmount.nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var channels: [any Channel] = []
        do {
            var outcomes: [EventLoopFuture<ConnectionOutcome>] = []
            for plan in plans where !plan.requests.isEmpty {
                let loop = group.next()
                let done = loop.makePromise(of: ConnectionOutcome.self)
                let address = try SocketAddress(ipAddress: plan.target.host, port: plan.target.port)
                let channel = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            try channel.pipeline.syncOperations.addHandler(
                                LoadConnectionHandler(requests: plan.requests, expect: expect, keepBodies: keepBodies, timeout: timeout, done: done))
                        }
                    }
                    .connect(to: address).get()
                channels.append(channel)
                outcomes.append(done.futureResult)
            }
            let start = NIODeadline.now()
            for channel in channels { channel.pipeline.fireUserInboundEventTriggered(LoadStart()) }
            var result = LoadResult()
            for outcome in outcomes { result.add(try await outcome.get()) }
            result.seconds = Double((NIODeadline.now() - start).nanoseconds) / 1e9
            await close(channels, group)
            return result
        } catch {
            await close(channels, group)
            throw error
        }
    }

    private static func close(_ channels: [any Channel], _ group: MultiThreadedEventLoopGroup) async {
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
    }
}

/// One connection's work: where it goes and what it sends, in order.
struct LoadPlan: Sendable {
    let target: LoadTarget
    var requests: [LoadRequest]

    /// Deals `requests` out over `connections` connections, round-robin over `targets`
    /// (connection `c` goes to `targets[c % targets.count]`). `build(i, target)` makes request
    /// `i` for the target of the connection that will send it, because signed requests cover
    /// the authority they are sent to.
    static func deal(_ count: Int, connections: Int, targets: [LoadTarget], build: (Int, LoadTarget) throws -> LoadRequest) rethrows -> [LoadPlan] {
        var plans = (0..<min(connections, count)).map { LoadPlan(target: targets[$0 % targets.count], requests: []) }
        for i in 0..<count {
            let c = i % plans.count
            plans[c].requests.append(try build(i, plans[c].target))
        }
        return plans
    }
}

/// Everything a run saw, over all connections.
struct LoadResult: Sendable {
    /// Every answer's latency.
    var samples = LatencySamples()
    /// From the start signal to the last answer.
    var seconds = 0.0
    /// Answers with a status other than the expected one.
    var unexpected = 0
    /// The first of them (on the first connection that had one).
    var firstUnexpected: UnexpectedAnswer?
    /// Answer bodies when asked for, connection by connection.
    var bodies: [[UInt8]] = []

    /// Answers with the expected status.
    var expected: Int { samples.nanoseconds.count - unexpected }

    mutating func add(_ outcome: ConnectionOutcome) {
        for latency in outcome.latencies { samples.append(.nanoseconds(Int64(latency))) }
        unexpected += outcome.unexpected
        if firstUnexpected == nil { firstUnexpected = outcome.firstUnexpected }
        bodies.append(contentsOf: outcome.bodies)
    }
}
