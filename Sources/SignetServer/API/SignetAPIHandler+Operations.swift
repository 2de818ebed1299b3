import SignetService
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Prometheus
import SignetAPI
import SignetMarket

/// Health, readiness, metrics, this API's description and the result keys.
extension SignetAPIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .plainText(HTTPBody("ok\n"))))
    }

    /// Ready means the database answers and the signed checkpoint is readable.
    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        guard (try? await ledger.checkpointNote()) != nil else {
            throw Problem(.notReady, detail: "the database is not reachable", retryAfter: 5)
        }
        return .ok(.init(body: .plainText(HTTPBody("ready\n"))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        guard let metrics else {
            throw Problem(.notFound, detail: "this server does not collect metrics")
        }
        return .ok(.init(body: .plainText(HTTPBody(metrics.emitToBuffer()))))
    }

    /// The OpenAPI description the server is built against, byte for byte.
    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        guard let bytes = OpenAPIDocument.bytes else {
            throw Problem(.internal, detail: "the OpenAPI document is missing from this build")
        }
        return .ok(.init(body: .yaml(HTTPBody(bytes))))
    }

    /// The trust protocol in force (its content id is the SHA-256 of its RFC 8785 form).
    func getTrustProtocol(_ input: Operations.GetTrustProtocol.Input) async throws -> Operations.GetTrustProtocol.Output {
        let rules = try await api().activeProtocol().rules
        let document = try JSONDecoder().decode(Components.Schemas.TrustProtocolDocument.self, from: Data(try rules.canonicalJSON()))
        return .ok(.init(body: .json(document)))
    }

    /// Versions in their notice period, with what each changes.
    func getPendingProtocols(_ input: Operations.GetPendingProtocols.Input) async throws -> Operations.GetPendingProtocols.Output {
        let service = try api()
        return .ok(.init(body: .json(.init(inForce: try await service.activeProtocol().contentID,
                                           pending: try await service.pendingProtocols().map(Self.wire)))))
    }

    /// A pending version as the wire shows it.
    static func wire(_ pending: PendingProtocol) -> Components.Schemas.ProtocolChange {
        .init(version: Int32(clamping: pending.version.version), contentId: pending.version.contentID, proposedAt: pending.version.proposedAt,
              effectiveAt: pending.version.effectiveAt, added: pending.diff.added, removed: pending.diff.removed, changed: pending.diff.changed)
    }

    /// The key that signs verification results, as a JWK Set (RFC 7517, RFC 8037).
    func getResultKeys(_ input: Operations.GetResultKeys.Input) async throws -> Operations.GetResultKeys.Output {
        let results = try api().results
        return .ok(.init(body: .json(.init(keys: [
            .init(kty: .okp, crv: .ed25519, x: results.publicKeyBase64URL, kid: results.keyID, alg: .edDSA, use: .sig),
        ]))))
    }
}
