public import Foundation
import NIOCore
import PostgresNIO
public import SignetMarket
import SignetCore

/// Trade codes and offers in PostgreSQL, shared by every server instance.
public struct PostgresOfferStorage: OfferStorage, PostgresStore {
    let database: PostgresDatabase

    public func insert(_ code: TradeCode) async throws {
        _ = try await client.query(
            "INSERT INTO trade_codes (code_hash, holder_id, expires_at) VALUES (\(ByteBuffer(bytes: code.codeHash)), \(code.holderID), \(code.expiresAt.timeIntervalSince1970))",
            logger: logger)
    }

    public func redeem(codeHash: [UInt8], now: Date) async throws -> String? {
        let t = now.timeIntervalSince1970
        let rows = try await client.query(
            "UPDATE trade_codes SET spent_at = \(t) WHERE code_hash = \(ByteBuffer(bytes: codeHash)) AND spent_at IS NULL AND expires_at > \(t) RETURNING holder_id",
            logger: logger)
        for try await holder in rows.decode(String.self) { return holder }
        return nil
    }

    public func recordRefusal(partyID: String, at date: Date) async throws {
        _ = try await client.query("INSERT INTO offer_refusals (party_id, refused_at) VALUES (\(partyID), \(date.timeIntervalSince1970))", logger: logger)
    }

    public func refusals(partyID: String) async throws -> Int {
        let rows = try await client.query("SELECT count(*) FROM offer_refusals WHERE party_id = \(partyID)", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func acceptedPrices(purpose: String, scope: String, currency: String, limit: Int) async throws -> [Int64] {
        // The counter's terms, where the party accepted one, else the offer's.
        let rows = try await client.query(
            """
            SELECT (coalesce(document::jsonb -> 'counter', document::jsonb -> 'terms') ->> 'priceMinorUnits')::bigint
            FROM offers WHERE status = 'accepted'
              AND coalesce(document::jsonb -> 'counter', document::jsonb -> 'terms') ->> 'purpose' = \(purpose)
              AND coalesce(document::jsonb -> 'counter', document::jsonb -> 'terms') ->> 'scope' = \(scope)
              AND coalesce(document::jsonb -> 'counter', document::jsonb -> 'terms') ->> 'currency' = \(currency)
            ORDER BY decided_at DESC LIMIT \(limit)
            """,
            logger: logger)
        var prices: [Int64] = []
        for try await price in rows.decode(Int64.self) { prices.append(price) }
        return prices
    }

    public func insert(_ offer: Offer) async throws {
        _ = try await client.query(
            """
            INSERT INTO offers (id, party_id, holder_id, document, status, created_at, decided_at)
            VALUES (\(offer.id), \(offer.partyID), \(offer.holderID), \(String(decoding: try offer.document(), as: UTF8.self)),
                    \(offer.status.rawValue), \(offer.createdAt.timeIntervalSince1970), \(offer.decidedAt?.timeIntervalSince1970))
            """,
            logger: logger)
    }

    public func offer(_ id: String) async throws -> Offer? {
        try await offers(try await client.query(
            "SELECT id, party_id, holder_id, document, status, created_at, decided_at FROM offers WHERE id = \(id)", logger: logger)).first
    }

    public func offers(holderID: String) async throws -> [Offer] {
        try await offers(try await client.query(
            "SELECT id, party_id, holder_id, document, status, created_at, decided_at FROM offers WHERE holder_id = \(holderID) ORDER BY created_at DESC, id DESC",
            logger: logger))
    }

    public func offers(partyID: String) async throws -> [Offer] {
        try await offers(try await client.query(
            "SELECT id, party_id, holder_id, document, status, created_at, decided_at FROM offers WHERE party_id = \(partyID) ORDER BY created_at DESC, id DESC",
            logger: logger))
    }

    public func counter(_ id: String, holderID: String, counter: Counter, at date: Date) async throws -> Offer? {
        guard let stored = try await offer(id), stored.holderID == holderID else { return nil }
        var countered = stored
        countered.counter = counter
        return try await offers(try await client.query(
            """
            UPDATE offers SET status = 'countered', document = \(String(decoding: try countered.document(), as: UTF8.self)),
              decided_at = \(date.timeIntervalSince1970)
            WHERE id = \(id) AND holder_id = \(holderID) AND status = 'pending'
            RETURNING id, party_id, holder_id, document, status, created_at, decided_at
            """,
            logger: logger)).first
    }

    public func settle(_ id: String, partyID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        try await offers(try await client.query(
            """
            UPDATE offers SET status = \(status.rawValue), decided_at = \(date.timeIntervalSince1970)
            WHERE id = \(id) AND party_id = \(partyID) AND status = 'countered'
            RETURNING id, party_id, holder_id, document, status, created_at, decided_at
            """,
            logger: logger)).first
    }

    public func decide(_ id: String, holderID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        try await offers(try await client.query(
            """
            UPDATE offers SET status = \(status.rawValue), decided_at = \(date.timeIntervalSince1970)
            WHERE id = \(id) AND holder_id = \(holderID) AND status = 'pending'
            RETURNING id, party_id, holder_id, document, status, created_at, decided_at
            """,
            logger: logger)).first
    }

    private func offers(_ rows: PostgresRowSequence) async throws -> [Offer] {
        var out: [Offer] = []
        for try await (id, partyID, holderID, document, statusText, createdAt, decidedAt)
            in rows.decode((String, String, String, String, String, Double, Double?).self) {
            guard let status = OfferStatus(rawValue: statusText) else { continue }
            out.append(try Offer(id: id, partyID: partyID, holderID: holderID, document: Array(document.utf8), status: status,
                                 createdAt: Date(timeIntervalSince1970: createdAt), decidedAt: decidedAt.map { Date(timeIntervalSince1970: $0) }))
        }
        return out
    }
}
