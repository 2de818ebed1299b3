import SignetAuth
import HTTPTypes

/// The request an API handler is serving, as ``SignatureMiddleware`` saw it: the head, the exact
/// body bytes the signature covers, and the verified caller.
///
/// The generated `APIProtocol` hands handlers only decoded input, but registration must check
/// proof of possession against the raw request, and every other handler needs the caller; the
/// middleware binds this task-local value around the handler for both.
struct SignedRequest: Sendable {
    /// The request head as received.
    let head: HTTPRequest
    /// The body bytes (empty for requests without a body).
    let body: [UInt8]
    /// The verified signature; `nil` on registration, whose key is only known after decoding.
    let caller: VerifiedRequestSignature?

    /// The request being served by the current task.
    @TaskLocal static var current: SignedRequest?
}
