import ArgumentParser
import Foundation
import JWTKit
import OpenAPIRuntime
import SignetAPI
import SignetClient
import SignetCore
import SignetLog
import SignetMarket
import SignetService

/// The market chapter of `signet demo`: offers under the trust protocol, risk reports, a grant
/// with its consent token, verification under it, revocation, and the artefacts an auditor
/// checks with tools Signet did not write (`--out`).
extension DemoCommand {
    /// What the market chapter leaves for `--out`.
    struct MarketArtefacts {
        var files: [String: String] = [:]
        var binary: [String: [UInt8]] = [:]
    }

    func market(base: URL, service: SignetService, alice: Participant, template: String, face: [Float], firstStep: Int) async throws -> MarketArtefacts {
        var artefacts = MarketArtefacts()
        var number = firstStep
        func next(_ text: String) { step(number, text); number += 1 }

        next("Two parties want Alice's signature. She hands each a single-use trade code, never her id.")
        let shop = try await Participant.party(base, name: "Bakery Loyalty", contact: "privacy@bakery.example")
        let broker = try await Participant.party(base, name: "Data Broker Ltd", contact: "legal@broker.example")
        _ = try await service.approve(party: shop.id)
        _ = try await service.approve(party: broker.id)
        func code() async throws -> String {
            try await alice.api.createTradeCode(headers: .init(contentDigest: Self.digest), body: .json(.init(lifetimeDays: 7))).created.body.json.code
        }
        let brokerCode = try await code()
        let shopCode = try await code()

        next("The broker offers to buy her template outright and resell it. The trust protocol refuses.")
        let grab = Self.terms(scope: .init(kind: .templateTransfer), purpose: "dpv:Marketing", text: "Add your face to our partner network",
                              retention: 3650, uses: 1, days: 365, price: 5000, onward: true)
        guard let refusal = try await refusalOf(try await broker.api.createOffer(headers: .init(contentDigest: Self.digest),
                                                                                 body: .json(.init(tradeCode: brokerCode, terms: grab)))) else {
            throw ValidationError("the trust protocol let a template sale through")
        }
        say("Refused (\(refusal.status) \(refusal.code)): \(refusal.detail)")
        say("The offer never reached Alice, and her trade code is still unspent.")

        next("The broker comes back with a fair offer; the bakery offers loyalty check-ins.")
        let brokerOffer = try await broker.api.createOffer(headers: .init(contentDigest: Self.digest), body: .json(.init(
            tradeCode: brokerCode, terms: Self.terms(scope: .init(kind: .verify), purpose: "dpv:IdentityVerification",
                                                     text: "Confirm it is you when you call us", retention: 30, uses: 2, days: 30, price: 150))))
            .created.body.json
        let shopOffer = try await shop.api.createOffer(headers: .init(contentDigest: Self.digest), body: .json(.init(
            tradeCode: shopCode, terms: Self.terms(scope: .init(kind: .verify), purpose: "dpv:ServiceProvision",
                                                   text: "Stamp your loyalty card at the counter", retention: 0, uses: 10, days: 90, price: 200))))
            .created.body.json
        say("Both passed every rule of trust protocol version \(shopOffer.protocolVersion); each is logged (ledger \(brokerOffer.ledgerIndex), \(shopOffer.ledgerIndex)).")

        next("Alice reads her inbox: each offer comes with a plain-language risk report.")
        for offer in try await alice.api.listHolderOffers().ok.body.json.offers {
            let name = offer.partyId == shop.id ? "Bakery Loyalty" : "Data Broker Ltd"
            say("\(name): \(offer.terms.maxUses) verifications over \(offer.terms.validityDays) days for \(offer.terms.price.minorUnits) cents, risk \(offer.risk.score)/100 (\(offer.risk.level.rawValue))")
            for reason in offer.risk.reasons { say("   +\(reason.points) \(reason.sentence)") }
        }

        next("She counters the bakery (5 uses for 300 cents instead of 10 for 200) and accepts the broker's offer as it is.")
        let countered = try await alice.api.counterOffer(path: .init(offerId: shopOffer.id), headers: .init(contentDigest: Self.digest),
                                                         body: .json(.init(maxUses: 5, priceMinorUnits: 300))).ok.body.json
        say("Her counter is logged at ledger index \(countered.ledgerIndex); the bakery sees it and accepts it.")
        let shopGrant = try await shop.api.acceptCounter(path: .init(offerId: shopOffer.id), headers: .init(contentDigest: Self.digest),
                                                         body: .json(.init())).created.body.json
        let brokerGrant = try await alice.api.acceptOffer(path: .init(offerId: brokerOffer.id), headers: .init(contentDigest: Self.digest),
                                                          body: .json(.init())).created.body.json
        func token(of party: Participant, _ handle: String) async throws -> String {
            guard let token = try await party.api.listPartyGrants().ok.body.json.grants.first(where: { $0.handle == handle })?.token else {
                throw ValidationError("the party's grant list lacks its token")
            }
            return token
        }
        let shopToken = try await token(of: shop, shopGrant.handle)
        let brokerToken = try await token(of: broker, brokerGrant.handle)
        say("The bakery's grant \(shopGrant.handle) allows \(shopGrant.maxUses) uses; its grant event is at ledger index \(shopGrant.ledgerIndex).")
        say("The token is an SD-JWT: purpose, uses and expiry in the clear, the price disclosed only when the party chooses.")

        next("The bakery verifies Alice at the counter, presenting its token with a fresh key-binding JWT.")
        let nonce = Base64.encodeURL((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        guard let presented = try ConsentPresentation.present(shopToken, audience: service.consentAudience, nonce: nonce, at: Date(), with: shop.key) as String? else {
            throw ValidationError("no presentation")
        }
        let answer = try await shop.api.createVerification(headers: .init(contentDigest: Self.digest), body: .json(.probe(.init(
            mode: .probe, consentToken: presented, probe: Self.payload(Self.nearby(face)))))).ok.body.json
        let claims = try await JWTKeyCollection().add(jwksJSON: shop.api.resultKeysJSON()).verify(answer.result, as: VerificationClaims.self)
        say("Answer: \(claims.match ? "MATCH" : "no match"), use 1 of \(shopGrant.maxUses), logged at ledger index \(claims.ledger_index).")

        next("Alice changes her mind about the broker and revokes its grant. Its next use is refused.")
        _ = try await broker.verify(token: brokerToken, probe: Self.nearby(face))
        let revoked = try await alice.api.revokeGrant(path: .init(handle: brokerGrant.handle), headers: .init(contentDigest: Self.digest), body: .json(.init()))
            .ok.body.json
        guard let afterRevocation = try await refusalOf(try await broker.verify(token: brokerToken, probe: Self.nearby(face))) else {
            throw ValidationError("a revoked grant verified")
        }
        say("Revoked at ledger index \(revoked.ledgerIndex); the broker's next attempt: \(afterRevocation.status) \(afterRevocation.code).")
        say("The public status list marks the token invalid, for anyone who relies on it.")

        next("Alice downloads her receipt for the bakery grant, with the ledger's proof, and her earnings statement.")
        try await Task.sleep(for: .milliseconds(1200))  // the next signed checkpoint covers the grant
        let receipt = try await alice.api.getGrantReceipt(path: .init(handle: shopGrant.handle)).ok.body.json
        let earnings = try await alice.api.getEarnings().ok.body.json
        say("Receipt: an ISO/IEC TS 27560 consent record naming her only by the pseudonym \(shopGrant.handle).")
        say("Earnings: " + earnings.totals.map { "\($0.minorUnits) \($0.currency) (minor units) accepted" }.joined(separator: ", ")
            + ", \(earnings.lines.map(\.uses).reduce(0, +)) uses so far. A statement: Signet moves no money.")

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        artefacts.files["grant.sd-jwt"] = presented
        artefacts.files["grant.kb-nonce"] = nonce
        artefacts.files["grant.kb-aud"] = service.consentAudience
        artefacts.files["revoked-grant.sd-jwt"] = try broker.present(brokerToken)
        artefacts.files["issuer-jwks.json"] = try await shop.api.resultKeysJSON()
        artefacts.files["status-list.jwt"] = try await String(collecting: try await shop.api.getGrantStatusList().ok.body.applicationStatuslistJwt, upTo: 1 << 20)
        artefacts.files["receipt.json"] = String(decoding: try encoder.encode(receipt.receipt), as: UTF8.self)
        artefacts.files["receipt-proof.txt"] = receipt.proof
        artefacts.binary["entry.bin"] = Array(Data(base64Encoded: receipt.entry) ?? Data())
        artefacts.files["log-vkey.txt"] = service.ledger.verifier.vkey
        artefacts.files["protocol.json"] = String(decoding: try await service.activeProtocol().rules.canonicalJSON(), as: UTF8.self)
        guard claims.match, afterRevocation.code == "invalid_grant" else { throw ValidationError("the market story did not end as expected") }
        return artefacts
    }

    /// The problem a call was refused with; `nil` if it succeeded.
    private func refusalOf<T>(_ call: @autoclosure () async throws -> T) async throws -> (status: Int, code: String, detail: String)? {
        do {
            _ = try await call()
            return nil
        } catch {
            guard let problem = error.clientCause as? ServerProblem else { throw error }
            return (problem.status, problem.code, problem.detail)
        }
    }

    static func terms(scope: Components.Schemas.OfferScope, purpose: String, text: String, retention: Int32, uses: Int32, days: Int32, price: Int64,
                      onward: Bool = false) -> Components.Schemas.OfferTerms {
        .init(scope: scope, purpose: purpose, purposeText: text, retentionDays: retention, maxUses: uses, validityDays: days,
              expiresAt: Date().addingTimeInterval(7 * 86_400), price: .init(minorUnits: price, currency: "EUR"), onwardTransfer: onward)
    }

    /// Writes the artefacts to `directory` (created if need be).
    static func write(_ artefacts: MarketArtefacts, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in artefacts.files {
            try Data((text.hasSuffix("\n") ? text : text + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        for (name, bytes) in artefacts.binary { try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name)) }
    }
}

extension DemoCommand.Participant {
    /// A probe-mode verification under `token`, presented with a fresh key-binding JWT.
    func verify(token: String, probe: [Float]) async throws -> String {
        try await api.createVerification(headers: .init(contentDigest: DemoCommand.digest), body: .json(.probe(.init(
            mode: .probe, consentToken: try present(token), probe: DemoCommand.payload(probe))))).ok.body.json.result
    }
}
