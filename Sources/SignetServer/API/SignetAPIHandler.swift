import SignetAuth
import Foundation
import Prometheus
import SignetAPI
import SignetMarket
import SignetService

/// Signet's implementation of the `APIProtocol` generated from openapi.yaml: one method per
/// operation, in extensions by area (registration, templates, verification, operations).
///
/// Each method only translates: the decoded input to a workflow's typed input, the workflow's
/// outcome to the generated output. Policy and recording live in ``SignetService``; its
/// `ServiceError`s become problems in ``ErrorMapping``. Requests reach it through
/// ``ProblemMiddleware`` and ``SignatureMiddleware``, so each method starts from a decoded input
/// and a verified caller (``SignedRequest``).
struct SignetAPIHandler: APIProtocol {
    let ledger: Ledger
    /// `nil` on a ledger-only server: the `/v1` operations then answer 404.
    let service: SignetService?
    let authenticator: RequestAuthenticator?
    /// `nil` when metrics are not collected: `/metrics` then answers 404.
    let metrics: PrometheusCollectorRegistry?

    init(ledger: Ledger, service: SignetService?, configuration: APIConfiguration, metrics: PrometheusCollectorRegistry?) {
        self.ledger = ledger
        self.service = service
        self.metrics = metrics
        authenticator = service.map { RequestAuthenticator(identities: $0.stores.identities, nonces: $0.stores.nonces, now: $0.configuration.now, configuration: configuration) }
    }

    /// The workflows, or 404 on a ledger-only server.
    func api() throws -> SignetService {
        guard let service else {
            throw Problem(.notFound, detail: "this server serves only the ledger")
        }
        return service
    }

    /// The request ``SignatureMiddleware`` bound to this task.
    func signedRequest() throws -> SignedRequest {
        guard let request = SignedRequest.current else {
            // A wiring fault (an operation registered without the middleware), never a client's.
            throw Problem(.internal, detail: "the request was not authenticated")
        }
        return request
    }

    /// The verified caller of an authenticated operation.
    func caller() throws -> PrincipalID {
        guard let keyID = try signedRequest().caller?.keyID, let id = PrincipalID(keyID) else {
            throw Problem(.internal, detail: "the request was not authenticated")
        }
        return id
    }

    /// The public key the caller's request signature verified under.
    func callerKey() throws -> [UInt8] {
        guard let key = try signedRequest().caller?.publicKey else {
            throw Problem(.internal, detail: "the request was not authenticated")
        }
        return key
    }

    /// An embedding as the workflows take it (they check it, after the caller's role).
    static func input(_ payload: EmbeddingPayload) -> EmbeddingInput {
        EmbeddingInput(dimension: Int(payload.dimension), values: payload.values)
    }

    /// The samples of an enrollment or renewal body: one embedding, or the list. A body with
    /// both or neither gives no sample, which the workflow refuses after the caller's role.
    static func samples(_ request: Components.Schemas.EnrollmentRequest) -> [EmbeddingInput] {
        switch (request.dimension, request.values, request.samples) {
        case let (dimension?, values?, nil): [EmbeddingInput(dimension: Int(dimension), values: values)]
        case let (nil, nil, samples?): samples.map(input)
        default: []
        }
    }
}
