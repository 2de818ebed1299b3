import ArgumentParser
import Crypto
import Foundation
import SignetCore
import SignetMarket

/// `signet-bench market`: the market's CPU work on one core, each next to a bare JWS
/// verification (one Ed25519 check of a compact JWS) measured in the same run.
struct BenchMarketCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "Offers judged per second (trust protocol plus risk report) and consent-token checks per second, next to a bare JWS verification.")

    @Option(help: "Seconds per measurement.") var seconds = 2.0

    func run() throws {
        let issuer = Curve25519.Signing.PrivateKey(), party = Curve25519.Signing.PrivateKey()
        let now = Date()
        let bare = try CompactJWS.sign(header: ["typ": .string("JWT")], payload: Array(#"{"sub":"bench","iat":1}"#.utf8), with: issuer)
        let claims = ConsentClaims(
            iss: "bench.signet/log", sub: "g_AAAAAAAAAAAAAAAAAAAAAA", party_id: "p_AAAAAAAAAAAAAAAAAAAAAA", iat: Int(now.timeIntervalSince1970),
            exp: Int(now.timeIntervalSince1970) + 86_400, jti: Base64.encodeURL([UInt8](repeating: 7, count: 32)), scope: "verify",
            purpose: "dpv:IdentityVerification", max_uses: 10, retention_days: 30, ledger_index: 42, log_origin: "bench.signet/log",
            protocol_id: nil, status: .init(status_list: .init(idx: 42, uri: "http://127.0.0.1:8080/v1/status-lists/grants")),
            cnf: .init(jwk: .init(ed25519: Array(party.publicKey.rawRepresentation))))
        let token = try ConsentToken.issue(claims, disclosable: ["purpose_text": .string("Front desk"), "price": .number(200)], keyID: "k",
                                           signingKey: issuer, random: SystemRandomBytes())
        let presented = try ConsentPresentation.present(token, audience: "bench.signet/log", nonce: "n", at: now, with: party)
        let terms = OfferTerms(scope: .verify, purpose: "dpv:IdentityVerification", purposeText: "Front desk check-in", retentionDays: 30,
                               maxUses: 3, validityDays: 30, expiresAt: now.addingTimeInterval(86_400), price: .init(minorUnits: 200, currency: "EUR"))
        let record = PartyRecord(registeredAt: now.addingTimeInterval(-90 * 86_400))

        let baseline = measure("baseline: bare JWS verification (EdDSA)") {
            guard CompactJWS.verify(bare, key: issuer.publicKey) != nil else { throw ValidationError("the bare JWS did not verify") }
        }
        let full = measure("consent token: issuer + disclosures + key binding") {
            let presentation = try ConsentPresentation(presented).orThrow()
            let verified = try presentation.verifiedToken(issuerKey: issuer.publicKey)
            try presentation.verifyKeyBinding(of: verified, audience: "bench.signet/log", now: now, freshness: 300)
        }
        let cached = try ConsentPresentation(presented).orThrow().verifiedToken(issuerKey: issuer.publicKey)
        let server = measure("consent token, token part cached (the server)") {
            let presentation = try ConsentPresentation(presented).orThrow()
            try presentation.verifyKeyBinding(of: cached, audience: "bench.signet/log", now: now, freshness: 300)
        }
        let offers = measure("offer judged: trust protocol + risk report") {
            let decision = try TrustProtocol.standard.evaluate(OfferContext(terms: terms, partyStatus: .approved, now: now))
            guard decision.allowed else { throw ValidationError("the bench offer was refused") }
            _ = RiskReport.assess(terms, party: record, prices: nil, rules: .standard, now: now)
        }
        print("signet-bench market: one core, \(seconds) s per measurement; token \(presented.utf8.count) characters")
        printTable([baseline, full, server, offers], baseline: baseline)
    }

    /// Runs `work` in batches of 100 for `seconds`; latency per call from each batch's mean.
    private func measure(_ name: String, _ work: () throws -> Void) -> BenchRow {
        let clock = ContinuousClock()
        var samples = LatencySamples()
        var count = 0
        let start = clock.now
        do {
            while clock.now - start < .seconds(seconds) {
                let batch = clock.now
                for _ in 0..<100 { try work() }
                samples.append((clock.now - batch) / 100)
                count += 100
            }
        } catch {
            printError("signet-bench market: \(name): \(error)")
        }
        return BenchRow(name: name, operations: count, seconds: (clock.now - start).seconds, p50: samples.percentile(50), p99: samples.percentile(99))
    }
}
