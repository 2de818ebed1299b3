import Foundation
import SignetAuth
import SignetCore
import SignetMarket
import SignetService
import Testing

/// What each workflow refuses, by code.
struct WorkflowRefusalTests {
    @Test func rolesAreChecked() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let pending = try await fixture.party(3, approved: false)
        await #expect(throws: ServiceError(.holderOnly, "")) { try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: shop) }
        await #expect(throws: ServiceError(.holderOnly, "")) { try await fixture.service.activity(as: shop) }
        await #expect(throws: ServiceError(.partyOnly, "")) {
            try await fixture.service.verify(.probe(token: "x", probe: EmbeddingInput(ServiceFixture.face)), as: alice)
        }
        await #expect(throws: ServiceError(.partyNotApproved, "")) {
            try await fixture.service.challenge(token: "x", as: pending)
        }
    }

    @Test(arguments: [59, 86_401, -1, Int.max])
    func permissionLifetimesOutsideTheRangeAreRefused(_ seconds: Int) async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let template = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        await #expect(throws: ServiceError(.invalidField, "")) {
            try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue, lifetimeSeconds: seconds), as: alice)
        }
    }

    /// A party's name is shown on the holder's device before it signs: nothing in it may make
    /// it read as another name.
    @Test(arguments: ["Corner\u{202E}pohS", "Bank\u{200B}", "Bank\u{2028}Other", "Shop\u{E000}", "Shop\u{0378}", "Shop\u{0007}", "Acme\u{00A0}Bank", "Acme\u{2009}Bank"])
    func partyNamesThatCouldMisleadAreRefused(_ name: String) async throws {
        let fixture = try await ServiceFixture.make()
        #expect(throws: ServiceError(.invalidField, "")) {
            try fixture.service.newParty(name: name, contact: "ops@shop.example", publicKey: ServiceFixture.publicKey(3))
        }
        #expect(throws: ServiceError(.invalidField, "")) {
            try fixture.service.newParty(name: "Corner Shop", contact: "ops@shop.example\u{202E}", publicKey: ServiceFixture.publicKey(3))
        }
        // Names in any script stay welcome.
        #expect(try fixture.service.newParty(name: "Épicerie Ünal – 東京", contact: "ops@shop.example", publicKey: ServiceFixture.publicKey(3)).name == "Épicerie Ünal – 東京")
    }

    @Test func unknownAndForeignThingsAreNotFound() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let mallory = try await fixture.holder(4)
        let shop = try await fixture.party(2)
        let template = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        // Mallory cannot see, renew, delete or hand out Alice's template: for her it does not exist.
        await #expect(throws: ServiceError(.notFound, "")) { try await fixture.service.template(template, as: mallory) }
        await #expect(throws: ServiceError(.notFound, "")) { try await fixture.service.renew(template, samples: [EmbeddingInput(ServiceFixture.face)], as: mallory) }
        await #expect(throws: ServiceError(.notFound, "")) { try await fixture.service.delete(template, as: mallory) }
        await #expect(throws: ServiceError(.notFound, "")) {
            try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: mallory)
        }
        await #expect(throws: ServiceError(.notFound, "")) {
            try await fixture.service.permit(PermissionRequest(templateID: template, partyID: PrincipalID.random(.party).rawValue), as: alice)
        }
        await #expect(throws: ServiceError(.invalidField, "")) { try await fixture.service.party("h_not-a-party") }
        await #expect(throws: ServiceError(.notFound, "")) { try await fixture.service.approve(party: PrincipalID.random(.party).rawValue) }
    }

    /// Text that is no template id answers as an unknown template does, and a verification
    /// against one still charges the party's bucket.
    @Test func malformedTemplateIDsAnswerAsUnknownOnes() async throws {
        let fixture = try await ServiceFixture.make { $0.partyRate = RateLimit(burst: 1, perSecond: 0.001) }
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        await #expect(throws: ServiceError(.notFound, "")) { try await fixture.service.template("t1", as: alice) }
        await #expect(throws: ServiceError(.notFound, "")) { try await fixture.service.delete("../t_x", as: alice) }
        await #expect(throws: ServiceError(.notFound, "")) {
            try await fixture.service.permit(PermissionRequest(templateID: "nope", partyID: shop.rawValue), as: alice)
        }
        let token = Base64.encodeURL([UInt8](repeating: 1, count: 32))
        await #expect(throws: ServiceError(.invalidGrant, "")) {
            try await fixture.service.verify(.probe(token: token, probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        await #expect(throws: ServiceError(.rateLimited, "")) {
            try await fixture.service.verify(.probe(token: token, probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
    }

    @Test func embeddingsOfTheWrongShapeAreRefusedByCode() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        await #expect(throws: ServiceError(.wrongDimension, "")) {
            try await fixture.service.enroll(samples: [EmbeddingInput([Float](repeating: 1, count: 32))], as: alice)
        }
        await #expect(throws: ServiceError(.wrongDimension, "")) {
            try await fixture.service.enroll(samples: [EmbeddingInput(dimension: 16, values: [1, 2, 3])], as: alice)
        }
        await #expect(throws: ServiceError(.invalidEmbedding, "")) { try await fixture.service.enroll(samples: [EmbeddingInput([1, 2, 3])], as: alice) }
        await #expect(throws: ServiceError(.nonFinite, "")) {
            try await fixture.service.enroll(samples: [EmbeddingInput(dimension: 16, values: [1e300] + [Double](repeating: 1, count: 15))], as: alice)
        }
        await #expect(throws: ServiceError(.zeroVector, "")) {
            try await fixture.service.enroll(samples: [EmbeddingInput([Float](repeating: 0, count: 16))], as: alice)
        }
    }

    /// The caller's role is checked before the body's shape: a caller without the right learns
    /// that, whatever the body holds.
    @Test func rolesComeBeforeTheEmbeddingsShape() async throws {
        let fixture = try await ServiceFixture.make()
        let shop = try await fixture.party(2)
        let garbage = EmbeddingInput(dimension: 3, values: [.infinity])
        await #expect(throws: ServiceError(.holderOnly, "")) { try await fixture.service.enroll(samples: [garbage], as: shop) }
        let alice = try await fixture.holder(1)
        await #expect(throws: ServiceError(.partyOnly, "")) {
            try await fixture.service.verify(.probe(token: "x", probe: garbage), as: alice)
        }
    }

    @Test func theTemplatesBudgetRefusesWithItsWait() async throws {
        let fixture = try await ServiceFixture.make { $0.templateRate = RateLimit(burst: 1, perSecond: 0.1) }
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let template = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        func attempt() async throws -> VerificationOutcome {
            let permission = try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice)
            return try await fixture.service.verify(.probe(token: try fixture.present(permission.token), probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        _ = try await attempt()
        do {
            _ = try await attempt()
            Issue.record("the second attempt should be rate-limited")
        } catch let error as ServiceError {
            #expect(error.code == .rateLimited)
            #expect(error.retryAfter == 10)
        }
        fixture.clock.advance(10)
        #expect(try await attempt().claims.match)
    }

    /// The expensive or ledger-writing steps a client controls have their own buckets.
    @Test func enrollmentsPermissionsAndRegistrationsAreMetered() async throws {
        let fixture = try await ServiceFixture.make {
            $0.enrollmentRate = RateLimit(burst: 2, perSecond: 0.5)
            $0.permissionRate = RateLimit(burst: 1, perSecond: 0.25)
            $0.registrationRate = RateLimit(burst: 1, perSecond: 0.1)
            $0.allRegistrationsRate = RateLimit(burst: 2, perSecond: 1)
        }
        func waitOf(_ body: () async throws -> Void) async -> TimeInterval? {
            do {
                try await body()
                return nil
            } catch let error as ServiceError where error.code == .rateLimited {
                return error.retryAfter
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let face = EmbeddingInput(ServiceFixture.face)
        let template = try await fixture.service.enroll(samples: [face], as: alice).id.rawValue
        _ = try await fixture.service.renew(template, samples: [face], as: alice)
        #expect(await waitOf { _ = try await fixture.service.enroll(samples: [face], as: alice) } == 2)

        _ = try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice)
        #expect(await waitOf { _ = try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice) } == 4)

        // One address gets one registration, then waits, without spending anyone else's;
        // all addresses together get two.
        #expect(await waitOf { try await fixture.service.admitRegistration(from: "192.0.2.1") } == nil)
        #expect(await waitOf { try await fixture.service.admitRegistration(from: "192.0.2.1") } == 10)
        #expect(await waitOf { try await fixture.service.admitRegistration(from: "192.0.2.2") } == nil)
        #expect(await waitOf { try await fixture.service.admitRegistration(from: "192.0.2.3") } == 1)  // the shared bucket is spent
        fixture.clock.advance(10)
        #expect(await waitOf { _ = try await fixture.service.enroll(samples: [face], as: alice) } == nil)
        #expect(await waitOf { try await fixture.service.admitRegistration(from: "192.0.2.2") } == nil)
    }
}
