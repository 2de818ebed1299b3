import Foundation
import SignetCore
import SignetMarket
import Testing

/// The standard trust protocol on a table of offers: each row names the rules that must refuse
/// it (none: the offer reaches the holder).
struct TrustProtocolTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// A fair identity check: allowed.
    static func fair() -> OfferTerms {
        OfferTerms(scope: .verify, purpose: "dpv:IdentityVerification", purposeText: "Check-in at the front desk",
                   retentionDays: 30, maxUses: 1, validityDays: 30, expiresAt: now.addingTimeInterval(86_400),
                   price: .init(minorUnits: 200, currency: "EUR"))
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let change: @Sendable (inout OfferContext) -> Void
        let refusedBy: [String]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "a fair identity check", change: { _ in }, refusedBy: []),
        Row(name: "an age check for one attribute", change: {
            $0.terms.scope = .attributes(["age_over_18"])
            $0.terms.purpose = "dpv:AgeVerification"
        }, refusedBy: []),
        Row(name: "buying the template", change: { $0.terms.scope = .templateTransfer },
            refusedBy: ["uses-not-templates", "purpose-matches-scope"]),
        Row(name: "an unpublished purpose", change: { $0.terms.purpose = "dpv:Surveillance" }, refusedBy: ["purpose-stated", "purpose-matches-scope"]),
        Row(name: "an unexplained purpose", change: { $0.terms.purposeText = "   " }, refusedBy: ["purpose-stated"]),
        Row(name: "marketing wants a verification", change: { $0.terms.purpose = "dpv:Marketing" }, refusedBy: ["purpose-matches-scope"]),
        Row(name: "an age check that also wants membership", change: {
            $0.terms.scope = .attributes(["age_over_18", "member_of"])
            $0.terms.purpose = "dpv:AgeVerification"
        }, refusedBy: ["purpose-matches-scope"]),
        Row(name: "an age check asking for a verification", change: { $0.terms.purpose = "dpv:AgeVerification" }, refusedBy: ["purpose-matches-scope"]),
        Row(name: "keeping data for a year", change: { $0.terms.retentionDays = 365 }, refusedBy: ["retention-cap"]),
        Row(name: "a thousand uses", change: { $0.terms.maxUses = 1000 }, refusedBy: ["usage-cap"]),
        Row(name: "no uses", change: { $0.terms.maxUses = 0 }, refusedBy: ["usage-cap"]),
        Row(name: "an offer that already lapsed", change: { $0.terms.expiresAt = now }, refusedBy: ["usage-cap"]),
        Row(name: "an offer open for a year", change: { $0.terms.expiresAt = now.addingTimeInterval(365 * 86_400) }, refusedBy: ["usage-cap"]),
        Row(name: "resale", change: { $0.terms.onwardTransfer = true }, refusedBy: ["no-onward-transfer"]),
        Row(name: "a minor holder", change: { $0.holderAttestedMinor = true }, refusedBy: ["minors-cannot-trade"]),
        Row(name: "a pending party", change: { $0.partyStatus = .pending }, refusedBy: ["party-in-good-standing"]),
        Row(name: "a party with an open breach finding", change: { $0.partyOpenFindings = 1 }, refusedBy: ["party-in-good-standing"]),
        Row(name: "a made-up currency", change: { $0.terms.price.currency = "eu" }, refusedBy: ["price-stated"]),
        Row(name: "a negative price", change: { $0.terms.price.minorUnits = -1 }, refusedBy: ["price-stated"]),
    ]

    @Test(arguments: rows)
    func decidesEveryRowAndNamesTheRules(_ row: Row) throws {
        var context = OfferContext(terms: Self.fair(), partyStatus: .approved, now: Self.now)
        row.change(&context)
        let decision = try TrustProtocol.standard.evaluate(context)
        #expect(decision.refusals.map(\.ruleID) == row.refusedBy)
        #expect(decision.allowed == row.refusedBy.isEmpty)
        // Every rule is named in every decision, with a sentence.
        #expect(decision.outcomes.map(\.ruleID) == TrustProtocol.standard.rules.map(\.id))
        #expect(decision.outcomes.allSatisfy { !$0.reason.isEmpty })
        #expect(decision.protocolID == (try TrustProtocol.standard.contentID()))
    }

    @Test func theRuleFileRoundTripsAndKeepsItsID() throws {
        let json = try TrustProtocol.standard.canonicalJSON()
        let loaded = try TrustProtocol(json: json)
        #expect(loaded == TrustProtocol.standard)
        #expect(try loaded.contentID() == (try TrustProtocol.standard.contentID()))
        #expect(try TrustProtocol.standard.contentID().hasPrefix("sha256:"))
        // The file reads as sentences with their machine form beside them.
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"check\":{\"kind\":\"retention_cap\",\"max_days\":90}"))
    }

    @Test(arguments: [
        ("{}", "format"),
        ("{\"format\":\"signet-trust-protocol/9\",\"version\":1,\"title\":\"t\",\"rules\":[]}", "format"),
        ("{\"format\":\"signet-trust-protocol/1\",\"version\":0,\"title\":\"t\",\"rules\":[]}", "version"),
        ("{\"format\":\"signet-trust-protocol/1\",\"version\":1,\"title\":\"t\",\"rules\":[]}", "no rules"),
        ("{\"format\":\"signet-trust-protocol/1\",\"version\":1,\"title\":\"t\",\"rules\":[{\"id\":\"a\",\"statement\":\"s\",\"check\":{\"kind\":\"teleport\"}}]}", "unknown rule kind"),
        ("{\"format\":\"signet-trust-protocol/1\",\"version\":1,\"title\":\"t\",\"rules\":[{\"id\":\"a\",\"statement\":\"s\",\"check\":{\"kind\":\"retention_cap\",\"max_days\":-5}}]}", "max_days"),
        ("{\"format\":\"signet-trust-protocol/1\",\"version\":1,\"title\":\"t\",\"rules\":[{\"id\":\"a\",\"statement\":\"s\",\"check\":{\"kind\":\"no_onward_transfer\"}},{\"id\":\"a\",\"statement\":\"s\",\"check\":{\"kind\":\"no_onward_transfer\"}}]}", "twice"),
        ("{\"format\":\"signet-trust-protocol/1\",\"version\":1,\"title\":\"t\",\"rules\":[{\"id\":\"Bad Id\",\"statement\":\"s\",\"check\":{\"kind\":\"no_onward_transfer\"}}]}", "rule id"),
    ])
    func malformedRuleFilesAreRefusedWithAReason(_ json: String, _ mentions: String) {
        // (Each file is one line; the multi-line test below checks the line numbers.)
        let error = #expect(throws: MarketError.self) { try TrustProtocol(json: Array(json.utf8)) }
        #expect(error?.code == .invalidField)
        #expect(error?.reason.contains(mentions) == true, "\(error?.reason ?? "")")
    }

    /// An operator editing the rule file is told the line of what is wrong.
    @Test func errorsNameTheLineOfTheOffendingValue() throws {
        // One rule per line (canonical JSON puts each rule's "check" first).
        let file = String(decoding: try TrustProtocol.standard.canonicalJSON(), as: UTF8.self)
            .replacingOccurrences(of: "{\"check\"", with: "\n{\"check\"")
        let lines = file.replacingOccurrences(of: "\"max_days\":90", with: "\"max_days\":\"ninety\"")
        let line = try #require(lines.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("ninety") }) + 1
        let error = #expect(throws: MarketError.self) { try TrustProtocol(json: Array(lines.utf8)) }
        #expect(error?.reason.contains("line \(line),") == true, "\(error?.reason ?? "")")
        #expect(line > 1)
        let unknown = file.replacingOccurrences(of: "\"kind\":\"no_onward_transfer\"", with: "\"kind\":\"teleport\"")
        let teleport = try #require(unknown.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("teleport") }) + 1
        let refusal = #expect(throws: MarketError.self) { try TrustProtocol(json: Array(unknown.utf8)) }
        #expect(refusal?.reason.contains("line \(teleport),") == true && refusal?.reason.contains("unknown rule kind") == true, "\(refusal?.reason ?? "")")
    }
}
