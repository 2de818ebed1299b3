public import Foundation
public import SignetMarket

/// A holder's consent receipt: an ISO/IEC TS 27560:2023 consent record, its fields named by the
/// standard's field ids and its values taken from the W3C Data Privacy Vocabulary (DPV 2.1).
///
/// The principal is the grant's handle, a pairwise pseudonym: the receipt names neither the
/// holder nor the template. It is served with the ledger's inclusion proof of the grant's entry
/// (``ReceiptBundle``). Its JSON Schema is `docs/schemas/consent-receipt.schema.json`.
public struct ConsentReceipt: Codable, Sendable, Equatable {
    /// The consent record format.
    public var schema_version = "ISO/IEC TS 27560:2023"
    /// `urn:signet:grant:<handle>`.
    public var record_id: String
    /// The pairwise pseudonym of the holder toward this party: the grant's handle.
    public var pii_principal_id: String
    /// What the holder was shown: the trust protocol in force and the offer.
    public var privacy_notice: Notice
    /// The notice's language (ISO 639-1).
    public var language = "en"
    /// What the party may do.
    public var purposes: [Purpose]
    /// The party: the controller of what it learns.
    public var parties: [Party]
    /// Consent given, and withdrawn or expired when it was.
    public var events: [Event]
    /// Where the grant's event sits in the ledger.
    public var ledger: LedgerReference

    /// The notice.
    public struct Notice: Codable, Sendable, Equatable {
        /// The URL of the trust protocol.
        public var url: String
        /// The trust protocol's content id when the grant came from an offer.
        public var protocol_id: String?
        /// The accepted offer; absent for a holder's own permission.
        public var offer_id: String?
    }

    /// One purpose and its processing.
    public struct Purpose: Codable, Sendable, Equatable {
        /// The DPV purpose.
        public var purpose: String
        /// The party's words, as the holder read them.
        public var purpose_description: String
        /// Always `dpv:ExplicitlyExpressedConsent`.
        public var lawful_basis = "dpv:ExplicitlyExpressedConsent"
        /// The personal data concerned.
        public var pii_information: [String]
        /// `verify` or `attributes`.
        public var scope: String
        /// How many uses the grant allows.
        public var max_uses: Int
        /// How long the party may keep what it learns (ISO 8601 duration).
        public var retention_period: String
        /// Where the data stays: Signet keeps the protected template; the party learns only results.
        public var storage_locations: [String]
        /// No onward transfer is ever allowed (trust protocol rule).
        public var recipient_third_parties: [String]
        /// How the holder withdraws.
        public var withdrawal_method: String
        /// The price the party agreed to pay, recorded only.
        public var price: Price?
    }

    /// A recorded price.
    public struct Price: Codable, Sendable, Equatable {
        /// Minor units (cents).
        public var amount_minor: Int64
        /// ISO 4217.
        public var currency: String
    }

    /// The party.
    public struct Party: Codable, Sendable, Equatable {
        /// Its Signet id.
        public var party_id: String
        /// Its public name.
        public var party_name: String
        /// Its contact.
        public var party_contact: String
        /// `dpv:DataController`.
        public var party_role = "dpv:DataController"
        /// `dpv:Organisation`.
        public var party_type = "dpv:Organisation"
    }

    /// A consent event.
    public struct Event: Codable, Sendable, Equatable {
        /// ISO 8601, UTC.
        public var event_time: String
        /// `dpv:ExplicitlyExpressedConsent`.
        public var event_type = "dpv:ExplicitlyExpressedConsent"
        /// `dpv:ConsentGiven`, `dpv:ConsentWithdrawn` or `dpv:ConsentExpired`.
        public var event_state: String
        /// For how long it holds (ISO 8601 duration).
        public var validity_duration: String
        /// Who acted: the principal's pseudonym.
        public var entity_id: String
    }

    /// The ledger entry of the grant.
    public struct LedgerReference: Codable, Sendable, Equatable {
        /// The log's origin.
        public var origin: String
        /// The entry's index.
        public var index: Int
    }
}

/// A receipt with the proof that its grant is in the ledger.
public struct ReceiptBundle: Sendable, Equatable {
    /// The record.
    public let receipt: ConsentReceipt
    /// The `c2sp.org/tlog-proof@v1` of the grant's entry in the latest checkpoint.
    public let proof: String
    /// The grant's entry bytes, which the proof's leaf hash covers.
    public let entry: [UInt8]
}

extension ConsentReceipt {
    /// The record of `grant`, made from `offer` (when it came from one) and its party.
    init(grant: Grant, offer: Offer?, party: SignetMarket.Party, protocolURL: String, origin: String, now: Date) {
        let handle = grant.handle
        let issued = grant.issuedAt ?? now
        let days = Int((grant.expiresAt.timeIntervalSince(issued) / 86_400).rounded(.up))
        let validity = "P\(max(days, 0))D"
        var events = [Event(event_time: Self.time(issued), event_state: "dpv:ConsentGiven", validity_duration: validity, entity_id: handle)]
        if let revoked = grant.revokedAt {
            events.append(Event(event_time: Self.time(revoked), event_state: "dpv:ConsentWithdrawn", validity_duration: "P0D", entity_id: handle))
        } else if grant.expiresAt <= now {
            events.append(Event(event_time: Self.time(grant.expiresAt), event_state: "dpv:ConsentExpired", validity_duration: "P0D", entity_id: handle))
        }
        let terms = offer?.counter?.terms ?? offer?.terms
        self.init(
            record_id: "urn:signet:grant:" + handle, pii_principal_id: handle,
            privacy_notice: Notice(url: protocolURL, protocol_id: offer?.protocolID, offer_id: offer?.id),
            purposes: [Purpose(
                purpose: grant.purpose ?? "dpv:IdentityVerification",
                purpose_description: terms?.purposeText ?? "one verification the holder permitted",
                pii_information: ["pd:Biometric"], scope: terms?.scope.kind ?? "verify", max_uses: grant.maxUses,
                retention_period: "P\(terms?.retentionDays ?? 0)D",
                storage_locations: ["Signet vault: protected template only, never the embedding"],
                recipient_third_parties: [],
                withdrawal_method: "signet holder revoke \(handle) (POST /v1/holders/me/grants/\(handle)/revoke)",
                price: terms.map { Price(amount_minor: $0.price.minorUnits, currency: $0.price.currency) })],
            parties: [Party(party_id: party.id.rawValue, party_name: party.name, party_contact: party.contact)],
            events: events, ledger: LedgerReference(origin: origin, index: grant.statusIndex ?? -1))
    }

    private static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
