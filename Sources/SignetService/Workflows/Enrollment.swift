public import SignetCore
import Crypto
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
        let receipt = try await enroll(samples, for: try requireHolder(caller))
        scheduleHoney()
        return receipt
    }

    /// Enrolls for `holder` (a real one, or a honey template's decoy holder).
    func enroll(_ samples: [EmbeddingInput], for holder: HolderID) async throws -> TemplateReceipt {
        let template = try await protect(samples, for: holder)
        let now = self.now
        let stored = StoredTemplate(id: .random(using: configuration.random), holderID: holder.rawValue,
                                    bytes: template.serializedBytes(), updatedAt: now, publicKey: template.publicKey)
        return try await journaled(.enroll(holder: holder, template: stored.id), templateKey: template.publicKey, at: now) {
            try await stores.templates.insert(stored)
            return true
        }
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
        let id = try await ownTemplate(id, of: holder)
        let template = try await protect(samples, for: holder)
        let now = self.now
        return try await journaled(.renew(holder: holder, template: id), templateKey: template.publicKey, at: now) {
            // Deliberate: the old helper data is overwritten in place, so it is gone, not archived.
            try await stores.templates.replace(id: id, holderID: holder.rawValue, bytes: template.serializedBytes(),
                                               publicKey: template.publicKey, at: now)
        }
    }

    /// Deletes a template and logs `delete`; its outstanding permissions are revoked.
    /// - Throws: ``ServiceError`` `.holderOnly` or `.notFound`.
    public func delete(_ id: String, as caller: PrincipalID) async throws -> TemplateReceipt {
        let holder = try requireHolder(caller)
        let id = try await ownTemplate(id, of: holder)
        return try await journaled(.delete(holder: holder, template: id), templateKey: nil, at: now) {
            try await stores.templates.delete(id: id, holderID: holder.rawValue)
        }
    }

    /// The holder's own template `id`: checked before anything is journaled, so no journal
    /// entry ever names another holder's template or one that does not exist.
    /// - Throws: ``ServiceError`` `.notFound`, alike for another holder's template and an unknown one.
    private func ownTemplate(_ id: String, of holder: HolderID) async throws -> TemplateID {
        guard let id = TemplateID(id), try await stores.templates.templateIDs(holderID: holder.rawValue).contains(id) else {
            throw ServiceError(.notFound, "no such template")
        }
        return id
    }

    /// Runs one template change so that it is never half-done: the change is journaled first
    /// (``PendingChange``), then `write` changes the template (`false`: no such template), then
    /// ``complete(_:as:)`` revokes, records and closes the journal entry.
    ///
    /// When any step after the journal entry fails, the error reaches the caller and the entry
    /// stays: once the request's claim on it runs out (``liveClaim``),
    /// ``recoverUnfinishedChanges(at:)`` finds out whether the write took effect (a store may
    /// commit and still report a failure) and then completes the change or drops the entry.
    private func journaled(_ event: SignetEvent, templateKey: [UInt8]?, at now: Date, write: () async throws -> Bool) async throws -> TemplateReceipt {
        guard let holder = event.holder, let template = event.template else {
            preconditionFailure("only a holder's template event is journaled")
        }
        let change = PendingChange(
            eventID: configuration.random.bytes(16), holderID: holder.rawValue, kind: event.kind.rawValue, templateID: template,
            salt: configuration.random.bytes(16), time: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
            logSize: await ledger.sizeLowerBound(), templateKeyHash: templateKey.map { Array(SHA256.hash(data: $0)) },
            claimedUntil: now.addingTimeInterval(Self.liveClaim))
        try await stores.activity.begin(change)
        guard try await write() else {
            // Gone since the ownership check (a concurrent delete): nothing changed here.
            try await stores.activity.finish(eventID: change.eventID)
            throw ServiceError(.notFound, "no such template")
        }
        return try await complete(change, as: event, recovering: false)
    }

    /// Finishes a journaled change whose template write took effect: revokes the template's
    /// outstanding permissions (renew, delete), records the event once, and closes the entry.
    /// Every step may run again after a failure without doing anything twice.
    ///
    /// A recovery revokes only permissions issued before the change began (its whole second:
    /// one issued within that second after it is revoked too), never consent given since.
    func complete(_ change: PendingChange, as event: SignetEvent, recovering: Bool) async throws -> TemplateReceipt {
        if event.kind != .enroll {
            let issuedBefore = recovering ? change.time.addingTimeInterval(1) : now
            _ = try await stores.grants.revokeAll(templateID: change.templateID, issuedBefore: issuedBefore, now: now)
        }
        let index = try await recorder.record(change, as: event, recovering: recovering)
        try await stores.activity.finish(eventID: change.eventID)
        return TemplateReceipt(id: change.templateID, ledgerIndex: index)
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

    /// How long the request that begins a template change owns its journal entry: far longer
    /// than any request runs, so recovery never races a live one.
    static let liveClaim: TimeInterval = 300

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
