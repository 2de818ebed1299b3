public import SignetCore
public import SignetAuth
public import Foundation
import GRDB
public import SignetMarket

/// One-time permissions in the embedded SQLite database, and the admission of verification
/// attempts: permission and both rate limits in one group-commit job.
public struct SQLiteGrantStorage: GrantStorage, VerificationAdmission, SQLiteStore {
    let statements: SQLiteStatements

    public func insert(_ permission: Grant) async throws {
        try await statements.execute(
            "INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at, issued_at) VALUES (?, ?, ?, ?, ?, ?)",
            [Data(permission.tokenHash), permission.holderID, permission.partyID, permission.templateID, permission.expiresAt.timeIntervalSince1970,
             permission.issuedAt?.timeIntervalSince1970])
    }

    public func permission(tokenHash: [UInt8]) async throws -> Grant? {
        try statements.read(
            "SELECT holder_id, party_id, template_id, expires_at FROM permissions WHERE token_hash = ?", [Data(tokenHash)]
        ) { row -> Grant? in
            guard let holderID = try row.value("holder_id", as: String.self), let partyID = try row.value("party_id", as: String.self),
                  let templateID = try row.value("template_id", as: TemplateID.self), let expiresAt = try row.value("expires_at", as: Double.self)
            else { return nil }
            return Grant(tokenHash: tokenHash, holderID: holderID, partyID: partyID, templateID: templateID,
                              expiresAt: Date(timeIntervalSince1970: expiresAt))
        }.first
    }

    public func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        try await statements.write(
            "UPDATE permissions SET used_at = ? WHERE template_id = ? AND used_at IS NULL AND (issued_at IS NULL OR issued_at < ?) RETURNING 1",
            [now.timeIntervalSince1970, templateID, issuedBefore.timeIntervalSince1970]) { _ in true }.count
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        try await !statements.write(
            """
            UPDATE permissions SET challenge_id = ?1, challenge_nonce = ?2, challenge_expires_at = ?3
            WHERE token_hash = ?4 AND party_id = ?5 AND template_id = ?6 AND used_at IS NULL AND expires_at > ?7
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
            guard let spent = try Self.consume(db, tokenHash: attempt.tokenHash, partyID: attempt.partyID, templateID: attempt.templateID,
                                               challengeID: attempt.challengeID, now: attempt.now) else {
                return .refused
            }
            if let wait = try SQLiteRateLimitStorage.take(db, bucket: RateBucket.template(attempt.templateID), rate: attempt.templateRate, now: attempt.now) {
                // Leave the permission unspent: the attempt did not happen.
                try db.cachedStatement(sql: "UPDATE permissions SET used_at = NULL WHERE token_hash = ?").execute(arguments: [Data(attempt.tokenHash)])
                return .templateLimited(retryAfter: wait)
            }
            return .admitted(spent.permission, challengeNonce: spent.challengeNonce)
        }
    }
}

extension SQLiteGrantStorage {
    /// Marks the permission used if it matches, is unexpired and unused (and, with a
    /// `challengeID`, carries that unexpired challenge); returns it and the challenge's nonce.
    static func consume(_ db: Database, tokenHash: [UInt8], partyID: String, templateID: TemplateID, challengeID: String?, now: Date) throws
        -> (permission: Grant, challengeNonce: [UInt8]?)? {
        let rows: [Row]
        if let challengeID {
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                UPDATE permissions SET used_at = ?1
                WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
                  AND challenge_id = ?5 AND challenge_expires_at > ?1
                RETURNING holder_id, expires_at, challenge_nonce
                """), arguments: [now.timeIntervalSince1970, Data(tokenHash), partyID, templateID, challengeID])
        } else {
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                UPDATE permissions SET used_at = ?1
                WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
                RETURNING holder_id, expires_at
                """), arguments: [now.timeIntervalSince1970, Data(tokenHash), partyID, templateID])
        }
        guard let row = rows.first, let holder = try row.value("holder_id", as: String.self),
              let expiry = try row.value("expires_at", as: Double.self) else { return nil }
        var nonce: [UInt8]?
        if challengeID != nil {
            guard let stored = try row.value("challenge_nonce", as: Data.self) else { return nil }
            nonce = Array(stored)
        }
        let permission = Grant(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
        return (permission, nonce)
    }
}
