public import SignetCore
public import SignetAuth
public import Foundation
import NIOCore
import PostgresNIO
public import SignetMarket

/// Grants in PostgreSQL, and the admission of verification attempts: the grant's use and both
/// rate limits in one prepared statement.
public struct PostgresGrantStorage: GrantStorage, VerificationAdmission, PostgresStore {
    let database: PostgresDatabase

    /// The columns ``grants(_:)`` decodes, in order.
    static let columns = "token_hash, holder_id, party_id, template_id, expires_at, issued_at, max_uses, uses, status_index, offer_id, purpose, token, revoked_at, revoked_by"
    /// ``columns`` without the token's text, for the holder's list.
    static let holderColumns = columns.replacingOccurrences(of: "purpose, token,", with: "purpose, NULL::text AS token,")
    private typealias Columns = (ByteBuffer, String, String, String, Double, Double?, Int, Int, Int64?, String?, String?, String?, Double?, String?)

    public func insert(_ grant: Grant) async throws {
        _ = try await client.query(
            """
            INSERT INTO grants (token_hash, holder_id, party_id, template_id, expires_at, issued_at, max_uses, uses, status_index, offer_id, purpose, token)
            VALUES (\(ByteBuffer(bytes: grant.tokenHash)), \(grant.holderID), \(grant.partyID), \(grant.templateID.rawValue),
                    \(grant.expiresAt.timeIntervalSince1970), \(grant.issuedAt?.timeIntervalSince1970), \(grant.maxUses), 0,
                    \(grant.statusIndex.map(Int64.init)), \(grant.offerID), \(grant.purpose), \(grant.token))
            """,
            logger: logger)
    }

    public func grant(tokenHash: [UInt8]) async throws -> Grant? {
        try await grants(client.query(
            "SELECT \(unescaped: Self.columns) FROM grants WHERE token_hash = \(ByteBuffer(bytes: tokenHash))", logger: logger)).first
    }

    public func grants(holderID: String) async throws -> [Grant] {
        try await grants(client.query(
            "SELECT \(unescaped: Self.holderColumns) FROM grants WHERE holder_id = \(holderID) ORDER BY issued_at DESC NULLS LAST, token_hash", logger: logger))
    }

    public func grants(partyID: String) async throws -> [Grant] {
        try await grants(client.query(
            "SELECT \(unescaped: Self.columns) FROM grants WHERE party_id = \(partyID) ORDER BY issued_at DESC NULLS LAST, token_hash", logger: logger))
    }

    public func revoke(tokenHash: [UInt8], holderID: String, cause: RevocationCause, now: Date) async throws -> Grant? {
        try await grants(client.query(
            """
            UPDATE grants SET revoked_at = \(now.timeIntervalSince1970), revoked_by = \(cause.rawValue)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND holder_id = \(holderID) AND revoked_at IS NULL
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)).first
    }

    public func statusIndices() async throws -> StatusIndices {
        var indices = StatusIndices(revoked: [], suspended: [], highest: -1)
        let rows = try await client.query(
            "SELECT status_index, revoked_by IS NOT DISTINCT FROM 'watch' FROM grants WHERE revoked_at IS NOT NULL AND status_index IS NOT NULL",
            logger: logger)
        for try await (index, frozen) in rows.decode((Int64, Bool).self) {
            if frozen { indices.suspended.append(Int(index)) } else { indices.revoked.append(Int(index)) }
        }
        for try await value in try await client.query("SELECT max(status_index) FROM grants", logger: logger).decode(Int64?.self) {
            indices.highest = value.map(Int.init) ?? -1
        }
        return indices
    }

    public func record(partyID: String) async throws -> (grants: Int, revocations: Int) {
        let rows = try await client.query(
            "SELECT count(*), count(*) FILTER (WHERE revoked_by = 'holder') FROM grants WHERE party_id = \(partyID)", logger: logger)
        for try await (grants, revocations) in rows.decode((Int64, Int64).self) { return (Int(grants), Int(revocations)) }
        return (0, 0)
    }

    public func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        var count = 0
        let rows = try await client.query(
            """
            UPDATE grants SET revoked_at = \(now.timeIntervalSince1970)
            WHERE template_id = \(templateID.rawValue) AND revoked_at IS NULL AND uses < max_uses
              AND (issued_at IS NULL OR issued_at < \(issuedBefore.timeIntervalSince1970))
            RETURNING 1
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    public func revokeAll(_ owner: GrantOwner, cause: RevocationCause, now: Date) async throws -> [Grant] {
        let rows: PostgresRowSequence = switch owner {
        case .holder(let id):
            try await client.query(
                """
                UPDATE grants SET revoked_at = \(now.timeIntervalSince1970), revoked_by = \(cause.rawValue)
                WHERE holder_id = \(id) AND revoked_at IS NULL RETURNING \(unescaped: Self.columns)
                """, logger: logger)
        case .party(let id):
            try await client.query(
                """
                UPDATE grants SET revoked_at = \(now.timeIntervalSince1970), revoked_by = \(cause.rawValue)
                WHERE party_id = \(id) AND revoked_at IS NULL RETURNING \(unescaped: Self.columns)
                """, logger: logger)
        }
        return try await grants(rows)
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE grants SET challenge_id = \(challenge.id), challenge_nonce = \(ByteBuffer(bytes: challenge.nonce)),
              challenge_expires_at = \(challenge.expiresAt.timeIntervalSince1970)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND party_id = \(partyID) AND template_id = \(templateID.rawValue)
              AND revoked_at IS NULL AND uses < max_uses AND expires_at > \(now.timeIntervalSince1970)
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
        for try await (_, partyTaken, permitted, templateTaken, holder, expiry, nonce, maxUses, uses, partyTokens, partyUpdated, templateTokens, templateUpdated)
                in try await client.execute(PostgresAdmissionStatement(attempt: attempt), logger: logger) {
            // The buckets as they were before this statement (its snapshot).
            guard partyTaken > 0 else {
                return .partyLimited(retryAfter: party.wait(tokens: partyTokens, updatedAt: partyUpdated, now: t))
            }
            guard permitted > 0 else { return .refused }
            guard templateTaken > 0 else {
                return .templateLimited(retryAfter: template.wait(tokens: templateTokens, updatedAt: templateUpdated, now: t))
            }
            guard let holder, let expiry, let maxUses, let uses else { return .refused }
            let grant = Grant(tokenHash: attempt.tokenHash, holderID: holder, partyID: attempt.partyID, templateID: attempt.templateID,
                              expiresAt: Date(timeIntervalSince1970: expiry), maxUses: maxUses, uses: uses)
            return .admitted(grant, challengeNonce: attempt.challengeID == nil ? nil : nonce.map { Array($0.readableBytesView) })
        }
        throw StoreError(.unavailable, "the admission statement returned no row")
    }

    private func grants(_ rows: PostgresRowSequence) async throws -> [Grant] {
        var grants: [Grant] = []
        for try await (hash, holder, party, template, expires, issued, maxUses, uses, index, offer, purpose, token, revoked, revokedBy)
                in rows.decode(Columns.self) {
            guard let templateID = TemplateID(template) else { continue }
            grants.append(Grant(
                tokenHash: Array(hash.readableBytesView), holderID: holder, partyID: party, templateID: templateID,
                expiresAt: Date(timeIntervalSince1970: expires), issuedAt: issued.map(Date.init(timeIntervalSince1970:)),
                maxUses: maxUses, uses: uses, statusIndex: index.map(Int.init), offerID: offer, purpose: purpose, token: token,
                revokedAt: revoked.map(Date.init(timeIntervalSince1970:)), revokedBy: revokedBy.flatMap(RevocationCause.init(rawValue:))))
        }
        return grants
    }
}
