public import Foundation
import GRDB
public import SignetMarket
import SignetCore

/// Trade codes and offers in the embedded SQLite database.
public struct SQLiteOfferStorage: OfferStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func insert(_ code: TradeCode) async throws {
        try await statements.execute(
            "INSERT INTO trade_codes (code_hash, holder_id, expires_at) VALUES (?, ?, ?)",
            [Data(code.codeHash), code.holderID, code.expiresAt.timeIntervalSince1970])
    }

    public func redeem(codeHash: [UInt8], now: Date) async throws -> String? {
        let t = now.timeIntervalSince1970
        return try await statements.write(
            "UPDATE trade_codes SET spent_at = ? WHERE code_hash = ? AND spent_at IS NULL AND expires_at > ? RETURNING holder_id",
            [t, Data(codeHash), t]) { row in try row.value("holder_id", as: String.self) }.first
    }

    public func recordRefusal(partyID: String, at date: Date) async throws {
        try await statements.execute("INSERT INTO offer_refusals (party_id, refused_at) VALUES (?, ?)", [partyID, date.timeIntervalSince1970])
    }

    public func refusals(partyID: String) async throws -> Int {
        try statements.read("SELECT count(*) AS n FROM offer_refusals WHERE party_id = ?", [partyID]) { try $0.value("n", as: Int.self) }.first ?? 0
    }

    public func acceptedPrices(purpose: String, scope: String, currency: String, limit: Int) async throws -> [Int64] {
        // The counter's terms, where the party accepted one, else the offer's.
        try statements.read(
            """
            SELECT coalesce(json_extract(document, '$.counter.priceMinorUnits'), json_extract(document, '$.terms.priceMinorUnits')) AS price
            FROM offers WHERE status = 'accepted'
              AND coalesce(json_extract(document, '$.counter.purpose'), json_extract(document, '$.terms.purpose')) = ?
              AND coalesce(json_extract(document, '$.counter.scope'), json_extract(document, '$.terms.scope')) = ?
              AND coalesce(json_extract(document, '$.counter.currency'), json_extract(document, '$.terms.currency')) = ?
            ORDER BY decided_at DESC LIMIT ?
            """,
            [purpose, scope, currency, limit]) { try $0.value("price", as: Int64.self) }
    }

    public func insert(_ offer: Offer) async throws {
        try await statements.execute(
            "INSERT INTO offers (id, party_id, holder_id, document, status, created_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [offer.id, offer.partyID, offer.holderID, String(decoding: try offer.document(), as: UTF8.self), offer.status.rawValue,
             offer.createdAt.timeIntervalSince1970, offer.decidedAt?.timeIntervalSince1970])
    }

    public func offer(_ id: String) async throws -> Offer? {
        try statements.read("SELECT \(Self.columns) FROM offers WHERE id = ?", [id], row: Self.offer(from:)).first
    }

    public func offers(holderID: String) async throws -> [Offer] {
        try await statements.scan("SELECT \(Self.columns) FROM offers WHERE holder_id = ? ORDER BY created_at DESC, id DESC", [holderID],
                                  row: Self.offer(from:))
    }

    public func offers(partyID: String) async throws -> [Offer] {
        try await statements.scan("SELECT \(Self.columns) FROM offers WHERE party_id = ? ORDER BY created_at DESC, id DESC", [partyID],
                                  row: Self.offer(from:))
    }

    public func counter(_ id: String, holderID: String, counter: Counter, at date: Date) async throws -> Offer? {
        guard let stored = try await offer(id), stored.holderID == holderID else { return nil }
        var countered = stored
        countered.counter = counter
        return try await statements.write(
            """
            UPDATE offers SET status = 'countered', document = ?, decided_at = ? WHERE id = ? AND holder_id = ? AND status = 'pending'
            RETURNING \(Self.columns)
            """,
            [String(decoding: try countered.document(), as: UTF8.self), date.timeIntervalSince1970, id, holderID], row: Self.offer(from:)).first
    }

    public func settle(_ id: String, partyID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        try await statements.write(
            "UPDATE offers SET status = ?, decided_at = ? WHERE id = ? AND party_id = ? AND status = 'countered' RETURNING \(Self.columns)",
            [status.rawValue, date.timeIntervalSince1970, id, partyID], row: Self.offer(from:)).first
    }

    public func decide(_ id: String, holderID: String, status: OfferStatus, at date: Date) async throws -> Offer? {
        try await statements.write(
            "UPDATE offers SET status = ?, decided_at = ? WHERE id = ? AND holder_id = ? AND status = 'pending' RETURNING \(Self.columns)",
            [status.rawValue, date.timeIntervalSince1970, id, holderID], row: Self.offer(from:)).first
    }

    static let columns = "id, party_id, holder_id, document, status, created_at, decided_at"

    @Sendable static func offer(from row: Row) throws -> Offer? {
        guard let id = try row.value("id", as: String.self), let partyID = try row.value("party_id", as: String.self),
              let holderID = try row.value("holder_id", as: String.self), let document = try row.value("document", as: String.self),
              let status = try row.value("status", as: String.self).flatMap(OfferStatus.init(rawValue:)),
              let createdAt = try row.value("created_at", as: Double.self) else { return nil }
        return try Offer(id: id, partyID: partyID, holderID: holderID, document: Array(document.utf8), status: status,
                         createdAt: Date(timeIntervalSince1970: createdAt),
                         decidedAt: try row.value("decided_at", as: Double.self).map { Date(timeIntervalSince1970: $0) })
    }
}
