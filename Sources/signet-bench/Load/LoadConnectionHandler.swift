import SignetClient
import NIOCore
import NIOHTTP1

/// What one connection saw: a latency per answer, and the answers whose status was not the
/// expected one.
struct ConnectionOutcome: Sendable {
    /// Latency of each answer in nanoseconds, in sending order.
    var latencies: [UInt64] = []
    /// Answers whose status differed from the expected one.
    var unexpected = 0
    /// The first such answer, for diagnosis.
    var firstUnexpected: UnexpectedAnswer?
    /// Every answer's body, in sending order, when the caller asked for them.
    var bodies: [[UInt8]] = []
}

/// An answer with a status other than the expected one.
struct UnexpectedAnswer: Sendable {
    let status: Int
    let body: String
}

/// Asks a ``LoadConnectionHandler`` to send its first request.
struct LoadStart: Sendable {}

/// Sends one connection's share of requests one after another over a keep-alive connection
/// (closed loop: the next request leaves when the previous answer has fully arrived) and
/// records each answer's latency and status.
///
/// It waits for ``LoadStart`` so that every connection is established before the clock starts;
/// it fulfils `done` after the last answer, or fails it if the connection breaks first.
final class LoadConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Raised when the server closes the connection before every request was answered.
    struct ConnectionClosed: Error, CustomStringConvertible {
        let answered: Int
        let total: Int
        var description: String { "the server closed a load connection after \(answered) of \(total) answers" }
    }

    /// Raised when an answer takes longer than the timeout: the server is stalled.
    struct NoAnswer: Error, CustomStringConvertible {
        let answered: Int
        let total: Int
        let timeout: TimeAmount
        var description: String {
            "no answer within \(timeout.nanoseconds / 1_000_000_000) s on a load connection after \(answered) of \(total) answers: the server stalled"
        }
    }

    private let requests: [LoadRequest]
    private let expect: Int
    private let keepBodies: Bool
    private let timeout: TimeAmount
    private let done: EventLoopPromise<ConnectionOutcome>
    private var outcome = ConnectionOutcome()
    private var next = 0
    private var sentAt: UInt64 = 0
    private var status = 0
    private var body: ByteBuffer?
    private var finished = false
    private var deadline: Scheduled<Void>?

    /// - Parameters:
    ///   - expect: the status every answer should have.
    ///   - keepBodies: keep every answer's body in the outcome (setup reads tokens from them).
    ///   - timeout: longest wait for one answer before the connection gives up with ``NoAnswer``.
    init(requests: [LoadRequest], expect: Int, keepBodies: Bool, timeout: TimeAmount, done: EventLoopPromise<ConnectionOutcome>) {
        self.requests = requests
        self.expect = expect
        self.keepBodies = keepBodies
        self.timeout = timeout
        self.done = done
        outcome.latencies.reserveCapacity(requests.count)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is LoadStart else { return context.fireUserInboundEventTriggered(event) }
        sendNext(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body = nil
        case .body(var part):
            // Bodies are kept only when asked for, or to show the first unexpected answer.
            if keepBodies || (status != expect && outcome.firstUnexpected == nil) {
                if body == nil { body = part } else { body!.writeBuffer(&part) }
            }
        case .end:
            deadline?.cancel()
            outcome.latencies.append(NIODeadline.now().uptimeNanoseconds - sentAt)
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            if status != expect {
                outcome.unexpected += 1
                if outcome.firstUnexpected == nil {
                    outcome.firstUnexpected = UnexpectedAnswer(status: status, body: String(decoding: bytes, as: UTF8.self))
                }
            }
            if keepBodies { outcome.bodies.append(bytes) }
            next += 1
            sendNext(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ConnectionClosed(answered: next, total: requests.count)))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    /// Writes the next request, or reports the outcome after the last answer.
    private func sendNext(context: ChannelHandlerContext) {
        guard next < requests.count else { return finish(.success(outcome)) }
        let request = requests[next]
        sentAt = NIODeadline.now().uptimeNanoseconds
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let answered = next
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.finish(.failure(NoAnswer(answered: answered, total: self.requests.count, timeout: self.timeout)))
            context.close(promise: nil)
        }
    }

    private func finish(_ result: Result<ConnectionOutcome, any Error>) {
        guard !finished else { return }
        finished = true
        deadline?.cancel()
        done.completeWith(result)
    }
}
