import SignetAuth
import Foundation
import HTTPTypes
import Logging
import Prometheus
import SignetAPI
import SignetCore
import SignetMarket
import SignetVault

/// Signet's implementation of the `APIProtocol` generated from openapi.yaml: one method per
/// operation, in extensions by area (registration, templates, verification, operations).
///
/// Requests reach it through ``ProblemMiddleware`` and ``SignatureMiddleware``, so each method
/// starts from a decoded input and a verified caller (``SignedRequest``) and throws ``Problem``s
/// for everything a client can get wrong.
struct SignetAPIHandler: APIProtocol {
    let ledger: Ledger
    /// `nil` on a ledger-only server: the `/v1` operations then answer 404.
    let services: APIServices?
    let recorder: EventRecorder?
    let authenticator: RequestAuthenticator?
    /// `nil` when metrics are not collected: `/metrics` then answers 404.
    let metrics: PrometheusCollectorRegistry?
    /// Parsed templates for probe mode, keyed by id and public key (see ``TemplateVersion``).
    let parsedTemplates = BoundedCache<TemplateVersion, ProtectedTemplate>(capacity: 256 << 20) { $0.dimension * $0.dimension * 4 }

    init(ledger: Ledger, services: APIServices?, metrics: PrometheusCollectorRegistry?) {
        self.ledger = ledger
        self.services = services
        self.metrics = metrics
        recorder = services.map { EventRecorder(ledger: ledger, activity: $0.activity) }
        authenticator = services.map { RequestAuthenticator(identities: $0.identities, nonces: $0.nonces, configuration: $0.configuration) }
    }

    /// The API services, or 404 on a ledger-only server.
    func api() throws -> (services: APIServices, recorder: EventRecorder, authenticator: RequestAuthenticator) {
        guard let services, let recorder, let authenticator else {
            throw Problem(.notFound, code: "not_found", detail: "this server serves only the ledger")
        }
        return (services, recorder, authenticator)
    }

    /// The request ``SignatureMiddleware`` bound to this task.
    func signedRequest() throws -> SignedRequest {
        guard let request = SignedRequest.current else {
            // A wiring fault (an operation registered without the middleware), never a client's.
            throw Problem(.internalServerError, code: "internal", detail: "the request was not authenticated")
        }
        return request
    }

    /// The verified caller of an authenticated operation.
    func caller() throws -> PrincipalID {
        guard let keyID = try signedRequest().caller?.keyID, let id = PrincipalID(keyID) else {
            throw Problem(.internalServerError, code: "internal", detail: "the request was not authenticated")
        }
        return id
    }

    /// The caller, who must be a holder.
    func holder() throws -> PrincipalID {
        let id = try caller()
        guard id.kind == .holder else {
            throw Problem(.forbidden, code: "holder_only", detail: "only a holder may do this")
        }
        return id
    }

    /// The caller, who must be a registered and approved party (status is read afresh).
    func approvedParty() async throws -> PrincipalID {
        let id = try caller()
        guard id.kind == .party, let party = try await api().services.identities.party(id) else {
            throw Problem(.forbidden, code: "party_only", detail: "only a registered party may verify")
        }
        guard party.status == .approved else {
            throw Problem(.forbidden, code: "party_not_approved", detail: "the operator has not approved this party")
        }
        return id
    }

    /// Takes one attempt from a shared token bucket, or throws 429 with the wait.
    func limit(_ bucket: String, _ rate: RateLimit, now: Date) async throws {
        if let wait = try await api().services.rateLimits.take(bucket: bucket, capacity: rate.burst, perSecond: rate.perSecond, now: now) {
            throw Self.rateLimited(wait)
        }
    }

    /// 429 with `Retry-After`, rounded up to whole seconds.
    static func rateLimited(_ wait: TimeInterval) -> Problem {
        Problem(.tooManyRequests, code: "rate_limited", detail: "too many verification attempts; retry later", retryAfter: Int(wait.rounded(.up)))
    }
}

/// One version of a stored template: its id and its public key.
///
/// Renewal replaces a template's helper data and its codeword, so its public key changes too (a
/// fresh random codeword; equal keys would take a collision of the key derivation). A parsed
/// template cached under this key can therefore never be served after its template was renewed,
/// on this instance or another one sharing the database, and a deleted one is not found at all.
struct TemplateVersion: Hashable, Sendable {
    let id: String
    let publicKey: [UInt8]
}
