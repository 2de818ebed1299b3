public import Foundation

/// Where the watch posts its findings, and the secret that signs them.
///
/// Each delivery is signed as the Standard Webhooks specification describes: headers
/// `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">`, so any of its libraries can check it.
public struct WebhookConfiguration: Sendable {
    /// The receiver's URL (http or https).
    public var url: URL
    /// The shared secret (at least 24 bytes).
    public var secret: [UInt8]
    /// Delivery attempts before a finding is given up on (logged as an error then).
    public var attempts = 6
    /// The wait before the first retry, seconds; each later one waits twice as long.
    public var firstRetry: TimeInterval = 1
    /// Sends one request and returns the status code; `nil` uses URLSession (tests pass their own).
    public var transport: WebhookSender.Transport?

    /// Creates a configuration.
    public init(url: URL, secret: [UInt8]) {
        self.url = url
        self.secret = secret
    }
}
