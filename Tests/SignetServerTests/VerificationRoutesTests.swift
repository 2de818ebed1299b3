import SignetClient
import SignetAPI
import SignetService
import SignetAuth
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import SignetCore
import SignetMarket
import SignetServer
import SignetStore
import Testing

struct VerificationRoutesTests {
    @Test func permittedVerificationIsLoggedBeforeItsSignedAnswer() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop) = try await enrolledScene(client, service)
            let token = try await alice.permit(party: shop.id, template: template)
            let result = try await shop.verify(token: token, probe: face)

            // The party checks the answer with the published key set.
            let claims = try await resultClaims(shop, result)
            #expect(claims.match)
            // The result names the permission's handle, never the template.
            #expect(claims.sub.hasPrefix("g_") && claims.sub != template)
            #expect(claims.party_id == shop.id)

            // The logged use event is in the holder's activity at the index the answer names.
            let use = try #require(try await alice.activity().events.first { $0._type == .use })
            #expect(use.ledgerIndex == Int64(claims.ledger_index))
            #expect(use.details.contains("\"match\":true"))

            // One-time: the same permission cannot be used again.
            #expect(try await refused(try await shop.verify(token: token, probe: face)) == "403 invalid_grant")
        }
    }

    @Test func impostorProbeIsANoMatchAndStillLogged() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, template, shop, token) = try await permittedScene(client, service)
            let claims = try await resultClaims(shop, try await shop.verify(token: token, probe: randomEmbedding()))
            #expect(!claims.match)
            #expect(try await alice.activity().events.last?._type == .use)
        }
    }

    /// The server caches parsed templates: a renewed template must be verified as renewed.
    @Test func verificationAfterRenewalUsesTheRenewedTemplate() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let (oldFace, newFace) = (randomEmbedding(), randomEmbedding())
            let template = try await alice.enroll(oldFace)
            let shop = try await TestParty.register(client, approveWith: service)
            func matches(_ probe: [Float]) async throws -> Bool {
                let token = try await alice.permit(party: shop.id, template: template)
                return try await resultClaims(shop, try await shop.verify(token: token, probe: probe)).match
            }
            #expect(try await matches(oldFace))
            try await alice.renew(template, newFace)
            #expect(try await matches(oldFace) == false)
            #expect(try await matches(newFace))
        }
    }

    @Test func unapprovedPartyAndForeignTemplatesAreRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            let template = try await alice.enroll(randomEmbedding())
            let pending = try await TestParty.register(client)
            // Mallory cannot hand out permissions for Alice's template: it does not exist for her.
            #expect(try await refusal(try await mallory.permit(party: pending.id, template: template))?.status == 404)
            let token = try await alice.permit(party: pending.id, template: template)
            #expect(try await refused(try await pending.verify(token: token, probe: randomEmbedding())) == "403 party_not_approved")
            // A holder cannot call the party endpoint.
            let holderAsParty = try await refusal(try await alice.api.createVerification(headers: .init(contentDigest: digest), body: .json(.probe(.init(
                    mode: .probe, consentToken: token, probe: payload(randomEmbedding()))))))
            #expect(holderAsParty?.code == "party_only")
        }
    }

    @Test func attemptsPerTemplateAreRateLimited() async throws {
        var configuration = ServiceConfiguration()
        configuration.templateRate = RateLimit(burst: 2, perSecond: 0.01)
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let alice = try await TestHolder.register(client)
            let template = try await alice.enroll(randomEmbedding())
            let shop = try await TestParty.register(client, approveWith: service)
            var refusals: [ServerProblem?] = []
            for _ in 0..<3 {
                let token = try await alice.permit(party: shop.id, template: template)
                refusals.append(try await refusal(try await shop.verify(token: token, probe: randomEmbedding())))
            }
            #expect(refusals.map { $0?.status } == [nil, nil, 429])
            #expect(refusals[2]?.code == "rate_limited")
            #expect((refusals[2]?.retryAfter ?? 0) >= 1)
        }
    }

    @Test func aTemplateLimitedAttemptKeepsItsPermissionForTheRetry() async throws {
        // Frozen: Retry-After must not depend on how long the test takes.
        let clock = TestClock(frozen: true)
        var configuration = ServiceConfiguration()
        configuration.now = { clock.now() }
        configuration.templateRate = RateLimit(burst: 1, perSecond: 0.1)
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let (alice, face, template, shop, first) = try await permittedScene(client, service)
            _ = try await shop.verify(token: first, probe: face)
            let second = try await alice.permit(party: shop.id, template: template)
            let limited = try await refusal(try await shop.verify(token: second, probe: face))
            #expect(limited?.code == "rate_limited")
            #expect(limited?.retryAfter == 10)
            // After Retry-After the same permission works, once.
            clock.advance(10)
            _ = try await shop.verify(token: second, probe: face)
            #expect(try await refused(try await shop.verify(token: second, probe: face)) == "403 invalid_grant")
        }
    }

    @Test func attemptsWithoutPermissionDoNotSpendTheTemplatesBudget() async throws {
        var configuration = ServiceConfiguration()
        configuration.templateRate = RateLimit(burst: 1, perSecond: 0.001)
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let alice = try await TestHolder.register(client)
            let face = randomEmbedding()
            let template = try await alice.enroll(face)
            let intruder = try await TestParty.register(client, approveWith: service)
            let shop = try await TestParty.register(client, approveWith: service)
            for _ in 0..<5 {
                let forged = Base64.encodeURL([UInt8](repeating: 7, count: 32))
                #expect(try await refusal(try await intruder.verify(token: forged, probe: face))?.status == 403)
            }
            let token = try await alice.permit(party: shop.id, template: template)
            #expect(try await resultClaims(shop, try await shop.verify(token: token, probe: face)).match)
        }
    }

    @Test func renewingATemplateRevokesItsOutstandingPermissions() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop) = try await enrolledScene(client, service)
            let before = try await alice.permit(party: shop.id, template: template)
            try await alice.renew(template, face)
            #expect(try await refused(try await shop.verify(token: before, probe: face)) == "403 invalid_grant")
            // A permission given after the renewal works.
            let after = try await alice.permit(party: shop.id, template: template)
            #expect(try await resultClaims(shop, try await shop.verify(token: after, probe: face)).match)
        }
    }
}
