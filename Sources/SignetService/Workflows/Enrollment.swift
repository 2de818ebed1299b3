public import SignetCore
import Foundation
public import SignetMarket
public import SignetVault

/// What a template workflow did: the template and the ledger index of its event.
public struct TemplateReceipt: Sendable, Equatable {
    /// The template's id.
    public let id: TemplateID
    /// Where the enroll, renew or delete event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// A holder's templates: enroll, read, renew and delete.
extension SignetService {
    /// Protects `samples` of one person into a new template and logs `enroll`. The samples are
    /// not kept.
    /// - Throws: ``ServiceError`` `.holderOnly`, or an embedding code (`.wrongDimension`, …).
    public func enroll(samples: [EmbeddingInput], as caller: PrincipalID) async throws -> TemplateReceipt {
        let holder = try requireHolder(caller)
        let template = try await protect(samples, for: holder)
        let now = self.now
        let stored = StoredTemplate(id: .random(using: configuration.random), holderID: holder.rawValue,
                                    bytes: template.serializedBytes(), updatedAt: now, publicKey: template.publicKey)
        try await stores.templates.insert(stored)
        let index = try await recorder.record(.enroll(holder: holder, template: stored.id), at: now)
        return TemplateReceipt(id: stored.id, ledgerIndex: index)
    }

    /// The caller's own protected template (for their device to answer challenges). It holds
    /// no embedding.
    /// - Throws: ``ServiceError`` `.holderOnly`, or `.notFound` for another holder's template
    ///   exactly as for an unknown one.
    public func template(_ id: String, as caller: PrincipalID) async throws -> StoredTemplate {
        let holder = try requireHolder(caller)
        guard let id = TemplateID(id), let stored = try await stores.templates.template(id: id, holderID: holder.rawValue) else {
            throw ServiceError(.notFound, "no such template")
        }
        return stored
    }

    /// Replaces a template's helper data from fresh samples and logs `renew`; the template's
    /// outstanding permissions are revoked (consent was given for the old helper data).
    /// - Throws: ``ServiceError`` `.holderOnly`, `.notFound`, or an embedding code.
    public func renew(_ id: String, samples: [EmbeddingInput], as caller: PrincipalID) async throws -> TemplateReceipt {
        let holder = try requireHolder(caller)
        let template = try await protect(samples, for: holder)
        let now = self.now
        // Deliberate: the old helper data is overwritten in place, so it is gone, not archived.
        guard let id = TemplateID(id), try await stores.templates.replace(id: id, holderID: holder.rawValue, bytes: template.serializedBytes(),
                                                 publicKey: template.publicKey, at: now) else {
            throw ServiceError(.notFound, "no such template")
        }
        return try await retire(.renew(holder: holder, template: id), template: id, at: now)
    }

    /// Deletes a template and logs `delete`; its outstanding permissions are revoked.
    /// - Throws: ``ServiceError`` `.holderOnly` or `.notFound`.
    public func delete(_ id: String, as caller: PrincipalID) async throws -> TemplateReceipt {
        let holder = try requireHolder(caller)
        guard let id = TemplateID(id), try await stores.templates.delete(id: id, holderID: holder.rawValue) else {
            throw ServiceError(.notFound, "no such template")
        }
        return try await retire(.delete(holder: holder, template: id), template: id, at: now)
    }

    /// After a renewal or deletion: revokes the template's outstanding permissions and logs the event.
    private func retire(_ event: SignetEvent, template id: TemplateID, at now: Date) async throws -> TemplateReceipt {
        _ = try await stores.permissions.revokeAll(templateID: id, now: now)
        return TemplateReceipt(id: id, ledgerIndex: try await recorder.record(event, at: now))
    }

    /// Turns samples of one person into a protected template under the enrolling profile; the
    /// samples are not kept.
    ///
    /// The holder's enrollment bucket is charged after the cheap checks, so a client's mistake
    /// (wrong dimension, too many samples) does not use up the holder's budget.
    private func protect(_ inputs: [EmbeddingInput], for holder: HolderID) async throws -> ProtectedTemplate {
        guard let scheme = vault.enrollment else {
            throw ServiceError(.vaultUncalibrated, "this server has no vault profile, so it enrolls nothing; the operator runs `signet vault calibrate --data FILE.csv --out PROFILE.json` and restarts with `signet serve --vault-profile PROFILE.json`")
        }
        guard Self.sampleCount.contains(inputs.count) else {
            throw ServiceError(.invalidField, "enrollment takes one embedding (\"dimension\" and \"values\") or \"samples\": \(Self.sampleCount.lowerBound) to \(Self.sampleCount.upperBound) embeddings of one person")
        }
        let samples = try inputs.map { try $0.checked() }
        for sample in samples { try Self.requireDimension(sample, of: scheme) }
        try await charge(RateBucket.enrollment(holder.rawValue), configuration.enrollmentRate, now: now, doing: "enrollments and renewals")
        do {
            return try await VaultWork.run { try scheme.enroll(samples: samples) }
        } catch let error as VaultError {
            throw ServiceError(vault: error) ?? error
        }
    }

    /// How many samples one enrollment or renewal averages.
    public static let sampleCount = 1...10

    /// Refuses an embedding whose dimension is not the scheme's, naming both.
    static func requireDimension(_ embedding: [Float], of scheme: IronMask) throws {
        guard embedding.count == scheme.preprocessor.dimension else {
            throw ServiceError(.wrongDimension, "the embedding has dimension \(embedding.count); this server's vault profile takes \(scheme.preprocessor.dimension)")
        }
    }
}

extension ServiceError {
    /// The service error for a vault error about a submitted embedding, or `nil` for a
    /// template-integrity failure (a server fault, never described to the caller). A
    /// non-matching probe is not an error at all.
    init?(vault error: VaultError, file: String = #fileID, line: Int = #line) {
        switch error.code {
        case .dimensionMismatch: self.init(.wrongDimension, "the embedding does not have this deployment's dimension", file: file, line: line)
        case .nonFiniteValue: self.init(.nonFinite, "the embedding contains a value that is not a finite 32-bit float", file: file, line: line)
        case .degenerateEmbedding: self.init(.zeroVector, "the embedding is the zero vector after centring", file: file, line: line)
        case .insufficientSamples, .invalidParameter, .malformedData: self.init(.invalidEmbedding, "the embedding is not usable", file: file, line: line)
        case .authenticationFailure, .corruptTemplate, .truncatedTemplate, .unsupportedVersion, .preprocessorMismatch, .keyDerivationFailure: return nil
        }
    }
}
