import Crypto
public import Foundation
public import Logging
import SignetCore
#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// Posts findings to the operator's webhook, signed (``WebhookConfiguration``), with retries.
///
/// A delivery runs in its own task: attempt, then wait `firstRetry`, `2 × firstRetry`, … between
/// attempts, until the receiver answers 2xx or the attempts run out. The receiver should treat
/// `webhook-id` as idempotency key: a retry after a lost answer delivers the same message again.
public struct WebhookSender: Sendable {
    /// Sends one request and returns the response's status code.
    public typealias Transport = @Sendable (URLRequest) async throws -> Int

    let configuration: WebhookConfiguration
    let transport: Transport
    let logger: Logger

    /// Creates a sender; the configuration's transport defaults to URLSession.
    public init(configuration: WebhookConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.transport = configuration.transport ?? { request in
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        }
    }

    /// The signed request for one message.
    public static func request(url: URL, secret: [UInt8], id: String, timestamp: Int, body: [UInt8]) -> URLRequest {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(id, forHTTPHeaderField: "webhook-id")
        request.setValue(String(timestamp), forHTTPHeaderField: "webhook-timestamp")
        request.setValue("v1," + signature(secret: secret, id: id, timestamp: timestamp, body: body), forHTTPHeaderField: "webhook-signature")
        return request
    }

    /// Base64 HMAC-SHA256 of `id.timestamp.body` (Standard Webhooks, `v1`).
    public static func signature(secret: [UInt8], id: String, timestamp: Int, body: [UInt8]) -> String {
        let signed = Array("\(id).\(timestamp).".utf8) + body
        return Base64.encode(Array(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret))))
    }

    /// Delivers `body` as message `id`, retrying in the background; returns the task (tests await it).
    @discardableResult
    public func deliver(id: String, body: [UInt8], now: @escaping @Sendable () -> Date = { Date() }) -> Task<Bool, Never> {
        let configuration = configuration
        let transport = transport
        let logger = logger
        return Task {
            var wait = configuration.firstRetry
            for attempt in 1...max(1, configuration.attempts) {
                let request = Self.request(url: configuration.url, secret: configuration.secret, id: id,
                                           timestamp: Int(now().timeIntervalSince1970), body: body)
                do {
                    let status = try await transport(request)
                    if (200..<300).contains(status) { return true }
                    logger.warning("webhook answered \(status)", metadata: ["webhook_id": "\(id)", "attempt": "\(attempt)"])
                } catch {
                    logger.warning("webhook unreachable: \(error)", metadata: ["webhook_id": "\(id)", "attempt": "\(attempt)"])
                }
                guard attempt < configuration.attempts else { break }
                try? await Task.sleep(for: .seconds(wait))
                wait *= 2
            }
            logger.error("webhook delivery given up", metadata: ["webhook_id": "\(id)", "attempts": "\(configuration.attempts)"])
            return false
        }
    }
}
