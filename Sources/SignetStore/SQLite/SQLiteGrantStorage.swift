public import SignetCore
public import SignetAuth
public import Foundation
import GRDB
public import SignetMarket

/// Grants in the embedded SQLite database, and the admission of verification attempts: the
/// grant's use and both rate limits in one group-commit job.
public struct SQLiteGrantStorage: GrantStorage, VerificationAdmission, SQLiteStore {
    let statements: SQLiteStatements

    /// The columns ``grant(from:)`` reads.
    /// The columns ``grant(from:)`` reads, in this order.
    static let columns = "token_hash, holder_id, party_id, template_id, expires_at, issued_at, max_uses, uses, status_index, offer_id, purpose, token, revoked_at, revoked_by"
    /// ``columns`` without the token's text, for the holder's list.
    static let holderColumns = columns.replacingOccurrences(of: "purpose, token,", with: "purpose, NULL AS token,")

    public func insert(_ grant: Grant) async throws {
        try await statements.execute(
            """
            INSERT INTO grants (token_hash, holder_id, party_id, template_id, expires_at, issued_at, max_uses, uses, status_index, offer_id, purpose, token)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
            """,
            [Data(grant.tokenHash), grant.holderID, grant.partyID, grant.templateID, grant.expiresAt.timeIntervalSince1970,
             grant.issuedAt?.timeIntervalSince1970, grant.maxUses, grant.statusIndex, grant.offerID, grant.purpose, grant.token])
    }

    public func grant(tokenHash: [UInt8]) async throws -> Grant? {
        try statements.read("SELECT \(Self.columns) FROM grants WHERE token_hash = ?", [Data(tokenHash)], row: Self.grant(from:)).first
    }

    public func grants(holderID: String) async throws -> [Grant] {
        try statements.read("SELECT \(Self.holderColumns) FROM grants WHERE holder_id = ? ORDER BY issued_at DESC, rowid DESC", [holderID], row: Self.grant(from:))
    }

    public func grants(partyID: String) async throws -> [Grant] {
        try statements.read("SELECT \(Self.columns) FROM grants WHERE party_id = ? ORDER BY issued_at DESC, rowid DESC", [partyID], row: Self.grant(from:))
    }

    public func revoke(tokenHash: [UInt8], holderID: String, cause: RevocationCause, now: Date) async throws -> Grant? {
        try await statements.write(
            "UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE token_hash = ? AND holder_id = ? AND revoked_at IS NULL RETURNING \(Self.columns)",
            [now.timeIntervalSince1970, cause.rawValue, Data(tokenHash), holderID], row: Self.grant(from:)).first
    }

    public func statusIndices() async throws -> StatusIndices {
        let stopped = try statements.read(
            "SELECT status_index, revoked_by = 'watch' AS frozen FROM grants WHERE revoked_at IS NOT NULL AND status_index IS NOT NULL", []
        ) { row -> (Int, Bool)? in
            guard let index = try row.value("status_index", as: Int.self) else { return nil }
            return (index, try row.value("frozen", as: Bool.self) ?? false)
        }
        let highest = try statements.read("SELECT max(status_index) AS highest FROM grants", []) { try $0.value("highest", as: Int.self) }
        return StatusIndices(revoked: stopped.filter { !$0.1 }.map(\.0), suspended: stopped.filter(\.1).map(\.0), highest: highest.first ?? -1)
    }

    public func record(partyID: String) async throws -> (grants: Int, revocations: Int) {
        try statements.read(
            "SELECT count(*) AS grants, count(CASE WHEN revoked_by = 'holder' THEN 1 END) AS revocations FROM grants WHERE party_id = ?", [partyID]
        ) { row in (try row.value("grants", as: Int.self) ?? 0, try row.value("revocations", as: Int.self) ?? 0) }.first ?? (0, 0)
    }

    public func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        try await statements.write(
            """
            UPDATE grants SET revoked_at = ?
            WHERE template_id = ? AND revoked_at IS NULL AND uses < max_uses AND (issued_at IS NULL OR issued_at < ?) RETURNING 1
            """,
            [now.timeIntervalSince1970, templateID, issuedBefore.timeIntervalSince1970]) { _ in true }.count
    }

    public func revokeAll(_ owner: GrantOwner, cause: RevocationCause, now: Date) async throws -> [Grant] {
        let (column, id) = switch owner {
        case .holder(let id): ("holder_id", id)
        case .party(let id): ("party_id", id)
        }
        return try await statements.write(
            "UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE \(column) = ? AND revoked_at IS NULL RETURNING \(Self.columns)",
            [now.timeIntervalSince1970, cause.rawValue, id], row: Self.grant(from:))
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        try await !statements.write(
            """
            UPDATE grants SET challenge_id = ?1, challenge_nonce = ?2, challenge_expires_at = ?3
            WHERE token_hash = ?4 AND party_id = ?5 AND template_id = ?6 AND revoked_at IS NULL AND uses < max_uses AND expires_at > ?7
            RETURNING 1
            """,
            [challenge.id, Data(challenge.nonce), challenge.expiresAt.timeIntervalSince1970, Data(tokenHash), partyID, templateID, now.timeIntervalSince1970]
        ) { _ in true }.isEmpty
    }

    /// One group-commit job, so the whole admission is one wait on the writer.
    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        try await statements.write { db -> Admission in
            if let wait = try SQLiteRateLimitStorage.take(db, bucket: RateBucket.party(attempt.partyID), rate: attempt.partyRate, now: attempt.now) {
                return .partyLimited(retryAfter: wait)
            }
            guard let spent = try Self.consume(db, attempt) else { return .refused }
            if let wait = try SQLiteRateLimitStorage.take(db, bucket: RateBucket.template(attempt.templateID), rate: attempt.templateRate, now: attempt.now) {
                // Give the use back (and its challenge): the attempt did not happen.
                try db.cachedStatement(sql: "UPDATE grants SET uses = uses - 1, challenge_id = coalesce(challenge_id, ?) WHERE token_hash = ?")
                    .execute(arguments: [attempt.challengeID, Data(attempt.tokenHash)])
                return .templateLimited(retryAfter: wait)
            }
            return .admitted(spent.grant, challengeNonce: spent.challengeNonce)
        }
    }
}

extension SQLiteGrantStorage {
    /// Counts a use of the grant if it matches, is unexpired, unrevoked and has a use left
    /// (and, with a challenge, carries that unexpired challenge, which the use consumes);
    /// returns it and the challenge's nonce.
    static func consume(_ db: Database, _ attempt: VerificationAttempt) throws -> (grant: Grant, challengeNonce: [UInt8]?)? {
        let challengeCondition = attempt.challengeID == nil ? "" : "AND challenge_id = ?5 AND challenge_expires_at > ?1"
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            UPDATE grants SET uses = uses + 1, challenge_id = CASE WHEN ?5 IS NULL THEN challenge_id END
            WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND revoked_at IS NULL AND uses < max_uses AND expires_at > ?1
              \(challengeCondition)
            RETURNING \(columns), challenge_nonce
            """), arguments: [attempt.now.timeIntervalSince1970, Data(attempt.tokenHash), attempt.partyID, attempt.templateID, attempt.challengeID])
        guard let row = rows.first, let grant = try grant(from: row) else { return nil }
        var nonce: [UInt8]?
        if attempt.challengeID != nil {
            guard let stored = try row.value("challenge_nonce", as: Data.self) else { return nil }
            nonce = Array(stored)
        }
        return (grant, nonce)
    }

    /// A grant from a row whose first columns are ``columns``, read by position: looking a
    /// column up by name lowercases the name on every access, which was most of the time a
    /// holder's list of a thousand grants took. `nil` for a row missing what every grant has.
    static func grant(from row: Row) throws -> Grant? {
        guard let hash = try row.value(at: 0, as: Data.self), let holderID = try row.value(at: 1, as: String.self),
              let partyID = try row.value(at: 2, as: String.self), let templateText = try row.value(at: 3, as: String.self),
              let expiresAt = try row.value(at: 4, as: Double.self) else { return nil }
        // A damaged id fails the read, as the by-name reader did: a row skipped from a
        // revocation's RETURNING would be revoked with no entry logged.
        guard let templateID = TemplateID(templateText) else {
            throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "grants.template_id is not a template id")
        }
        return Grant(
            tokenHash: Array(hash), holderID: holderID, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiresAt),
            issuedAt: try row.value(at: 5, as: Double.self).map(Date.init(timeIntervalSince1970:)),
            maxUses: try row.value(at: 6, as: Int.self) ?? 1, uses: try row.value(at: 7, as: Int.self) ?? 0,
            statusIndex: try row.value(at: 8, as: Int.self), offerID: try row.value(at: 9, as: String.self),
            purpose: try row.value(at: 10, as: String.self), token: try row.value(at: 11, as: String.self),
            revokedAt: try row.value(at: 12, as: Double.self).map(Date.init(timeIntervalSince1970:)),
            revokedBy: try row.value(at: 13, as: String.self).flatMap(RevocationCause.init(rawValue:)))
    }
}
