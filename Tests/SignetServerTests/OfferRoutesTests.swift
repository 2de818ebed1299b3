import Foundation
import HTTPTypes
import SignetAPI
import SignetClient
import SignetService
import Testing

/// The market's routes as a holder and a party use them.
struct OfferRoutesTests {
    static func terms(scope: Components.Schemas.OfferScope = .init(kind: .verify), onwardTransfer: Bool = false) -> Components.Schemas.OfferTerms {
        .init(scope: scope, purpose: "dpv:IdentityVerification", purposeText: "Check-in at the front desk", retentionDays: 30, maxUses: 1,
              validityDays: 30, expiresAt: Date().addingTimeInterval(86_400), price: .init(minorUnits: 200, currency: "EUR"),
              onwardTransfer: onwardTransfer)
    }

    @Test func aPartyOffersThroughATradeCodeAndTheHolderReadsAndDeclines() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let shop = try await TestParty.register(client, approveWith: service)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code

            // Refused by the protocol: 422 naming the rules; the code stays usable.
            let refusedOffer = try await refusal(try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(
                tradeCode: code, terms: Self.terms(onwardTransfer: true)))).created)
            #expect(refusedOffer?.status == 422 && refusedOffer?.code == "protocol_refused")
            #expect(refusedOffer?.detail.contains("no-onward-transfer") == true)

            let created = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(
                tradeCode: code, terms: Self.terms()))).created.body.json
            #expect(created.status == .pending && created.rules.allSatisfy(\.passed))

            let inbox = try await alice.api.listHolderOffers().ok.body.json.offers
            #expect(inbox.map(\.id) == [created.id])
            #expect(inbox.first?.risk.level == .medium && inbox.first?.partyId == shop.id)
            #expect(try await refused(try await shop.api.listHolderOffers().ok) == "403 holder_only")

            let declined = try await alice.api.declineOffer(path: .init(offerId: created.id), headers: .init(contentDigest: digest), body: .json(.init())).ok.body.json
            #expect(declined.status == .declined)
            #expect(try await refused(try await alice.api.declineOffer(path: .init(offerId: created.id), headers: .init(contentDigest: digest), body: .json(.init())).ok) == "409 conflict")
            // The code was spent by the allowed offer.
            #expect(try await refused(try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(
                tradeCode: code, terms: Self.terms()))).created) == "404 not_found")
        }
    }

    @Test func attributesGoWithTheirScopeOnly() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let shop = try await TestParty.register(client, approveWith: service)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            #expect(try await refused(try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(
                tradeCode: code, terms: Self.terms(scope: .init(kind: .verify, attributes: ["age_over_18"]))))).created) == "400 invalid_field")
        }
    }

    /// Hostile offer bodies get a 4xx with a code, never a crash or a half-made offer.
    @Test func hostileOfferBodiesAreRefusedByCode() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let shop = try await TestParty.register(client, approveWith: service)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            let terms = #"{"scope":{"kind":"verify"},"purpose":"dpv:IdentityVerification","purpose_text":"t","retention_days":RET,"max_uses":1,"validity_days":30,"expires_at":"2099-01-01T00:00:00Z","price":{"minor_units":PRICE,"currency":"EUR"},"onward_transfer":false}"#
            let bodies: [(String, String)] = [
                // Foundation's decoder reports a number that fits no field type at the root: invalid_json.
                (terms.replacingOccurrences(of: "RET", with: "99999999999").replacingOccurrences(of: "PRICE", with: "1"), "400 invalid_json"),
                (terms.replacingOccurrences(of: "RET", with: "\"thirty\"").replacingOccurrences(of: "PRICE", with: "1"), "400 invalid_field"),
                (terms.replacingOccurrences(of: "RET", with: "1").replacingOccurrences(of: "PRICE", with: "9223372036854775807"), "422 protocol_refused"),
                (terms.replacingOccurrences(of: "RET", with: "1").replacingOccurrences(of: "PRICE", with: "1e400"), "400 invalid_json"),
                (terms.replacingOccurrences(of: "RET", with: "-5").replacingOccurrences(of: "PRICE", with: "1"), "422 protocol_refused"),
            ]
            for (terms, expected) in bodies {
                let body = Array(#"{"trade_code":"\#(code)","terms":\#(terms)}"#.utf8)
                let (status, problem) = try await sendRaw(client, key: shop.key, keyID: shop.id, .post, "/v1/offers", json: body)
                #expect("\(status.code) \(problem ?? "")" == expected, "\(terms)")
            }
            // None of them reached the holder or spent the code.
            #expect(try await alice.api.listHolderOffers().ok.body.json.offers.isEmpty)
            _ = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: Self.terms()))).created
        }
    }
}
