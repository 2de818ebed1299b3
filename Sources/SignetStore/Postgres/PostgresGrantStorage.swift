public import SignetCore
public import SignetAuth
public import Foundation
import NIOCore
import PostgresNIO
public import SignetMarket

/// One-time permissions in PostgreSQL, and the admission of verification attempts: permission
/// and both rate limits in one prepared statement.
public struct PostgresGrantStorage: GrantStorage, VerificationAdmission, PostgresStore {
    let database: PostgresDatabase

    public func insert(_ permission: Grant) async throws {
        _ = try await client.query(
            """
            INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at, issued_at)
            VALUES (\(ByteBuffer(bytes: permission.tokenHash)), \(permission.holderID), \(permission.partyID), \(permission.templateID.rawValue),
                    \(permission.expiresAt.timeIntervalSince1970), \(permission.issuedAt?.timeIntervalSince1970))
            """,
            logger: logger)
    }

    public func permission(tokenHash: [UInt8]) async throws -> Grant? {
        let rows = try await client.query(
            "SELECT holder_id, party_id, template_id, expires_at FROM permissions WHERE token_hash = \(ByteBuffer(bytes: tokenHash))",
            logger: logger)
        for try await (holderID, partyID, templateID, expiresAt) in rows.decode((String, String, String, Double).self) {
            guard let templateID = TemplateID(templateID) else { return nil }
            return Grant(tokenHash: tokenHash, holderID: holderID, partyID: partyID, templateID: templateID,
                              expiresAt: Date(timeIntervalSince1970: expiresAt))
        }
        return nil
    }

    public func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        var count = 0
        let rows = try await client.query(
            """
            UPDATE permissions SET used_at = \(now.timeIntervalSince1970)
            WHERE template_id = \(templateID.rawValue) AND used_at IS NULL AND (issued_at IS NULL OR issued_at < \(issuedBefore.timeIntervalSince1970))
            RETURNING 1
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE permissions SET challenge_id = \(challenge.id), challenge_nonce = \(ByteBuffer(bytes: challenge.nonce)),
              challenge_expires_at = \(challenge.expiresAt.timeIntervalSince1970)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND party_id = \(partyID) AND template_id = \(templateID.rawValue)
              AND used_at IS NULL AND expires_at > \(now.timeIntervalSince1970)
            RETURNING holder_id
            """,
            logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// One prepared statement (``PostgresAdmissionStatement``), so one round trip and one commit.
    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        let t = attempt.now.timeIntervalSince1970
        let (party, template) = (attempt.partyRate, attempt.templateRate)
        for try await (_, partyTaken, permitted, templateTaken, holder, expiry, nonce, partyTokens, partyUpdated, templateTokens, templateUpdated)
                in try await client.execute(PostgresAdmissionStatement(attempt: attempt), logger: logger) {
            // The buckets as they were before this statement (its snapshot).
            guard partyTaken > 0 else {
                return .partyLimited(retryAfter: party.wait(tokens: partyTokens, updatedAt: partyUpdated, now: t))
            }
            guard permitted > 0 else { return .refused }
            guard templateTaken > 0 else {
                return .templateLimited(retryAfter: template.wait(tokens: templateTokens, updatedAt: templateUpdated, now: t))
            }
            guard let holder, let expiry else { return .refused }
            let permission = Grant(tokenHash: attempt.tokenHash, holderID: holder, partyID: attempt.partyID, templateID: attempt.templateID,
                                        expiresAt: Date(timeIntervalSince1970: expiry))
            return .admitted(permission, challengeNonce: attempt.challengeID == nil ? nil : nonce.map { Array($0.readableBytesView) })
        }
        throw StoreError(.unavailable, "the admission statement returned no row")
    }
}
