import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import SignetAPI
import SignetClient
import SignetCore
@testable import SignetServer
import NIOCore
import SignetService
import SignetVault
import Testing

/// Enrollment and verification as the vault profiles shape them, through the API.
struct VaultProfileRoutesTests {
    static let synthetic32 = { try! VaultConfiguration(dimension: 32, alpha: 4, kdf: .insecureTesting) }()

    @Test func serverWithoutAProfileEnrollsNothingAndSaysWhatToRun() async throws {
        try await RegistrationRoutesTests.withAPI(vault: .uncalibrated) { client, _ in
            let alice = try await TestHolder.register(client)
            let problem = try #require(try await refusal(try await alice.enroll(randomEmbedding())))
            #expect("\(problem.status) \(problem.code)" == "409 vault_uncalibrated")
            #expect(problem.detail.contains("signet vault calibrate --data"))
            #expect(try await alice.api.getHolderProfile().ok.body.json.templates.isEmpty)
        }
    }

    @Test func enrollmentAveragesOneToTenSamplesAndRefusesOtherShapes() async throws {
        try await RegistrationRoutesTests.withAPI(vault: Self.synthetic32) { client, service in
            let alice = try await TestHolder.register(client)
            let face = randomEmbedding()
            let samples = (0..<3).map { _ in face.map { $0 + Float.random(in: -0.01...0.01) } }
            let template = try await alice.enroll(samples: samples)
            let shop = try await TestParty.register(client, approveWith: service)
            let token = try await alice.permit(party: shop.id, template: template)
            #expect(try await resultClaims(shop, try await shop.verify(token: token, probe: face)).match)

            let eleven = Array(repeating: face, count: 11)
            #expect(try await refused(try await alice.enroll(samples: eleven)) == "400 invalid_field")
            #expect(try await refused(try await alice.enroll(samples: [])) == "400 invalid_field")
            let both = Components.Schemas.EnrollmentRequest(dimension: 32, values: face.map(Double.init), samples: [payload(face)])
            #expect(try await refused(try await alice.api.enrollTemplate(headers: .init(contentDigest: digest), body: .json(both)).created) == "400 invalid_field")
            let neither = Components.Schemas.EnrollmentRequest()
            #expect(try await refused(try await alice.api.enrollTemplate(headers: .init(contentDigest: digest), body: .json(neither)).created) == "400 invalid_field")
            #expect(try await alice.api.getHolderProfile().ok.body.json.templates == [template])
        }
    }

    @Test func wrongDimensionNamesBothAndAProbeNoProfileCanUseKeepsItsPermission() async throws {
        try await RegistrationRoutesTests.withAPI(vault: Self.synthetic32) { client, service in
            let (alice, face, template, shop) = try await enrolledScene(client, service)
            let problem = try #require(try await refusal(try await alice.enroll(randomEmbedding(64))))
            #expect(problem.code == "wrong_dimension")
            #expect(problem.detail.contains("64") && problem.detail.contains("32"))

            let token = try await alice.permit(party: shop.id, template: template)
            #expect(try await refused(try await shop.verify(token: token, probe: randomEmbedding(48))) == "422 wrong_dimension")
            #expect(try await refused(try await shop.verify(token: token, probe: [Float](repeating: 0, count: 32))) == "422 zero_vector")
            // Neither attempt could have succeeded, so neither spent the permission.
            #expect(try await resultClaims(shop, try await shop.verify(token: token, probe: face)).match)
        }
    }

    @Test func aTemplateWhoseProfileIsNotLoadedGetsAClearConflict() async throws {
        try await RegistrationRoutesTests.withService(vault: Self.synthetic32) { service in
            let (alice, face, template, shop) = try await Application(router: SignetApplication.router(ledger: service.ledger, service: service))
                .test(.router) { client in try await enrolledScene(client, service) }
            // The operator restarts with only a new profile: the old template cannot be decoded.
            let migrated = SignetService(ledger: service.ledger, stores: service.stores, results: service.results,
                                         vault: try VaultConfiguration(profiles: [VaultProfileTestsSupport.centred32()]))
            try await Application(router: SignetApplication.router(ledger: migrated.ledger, service: migrated)).test(.router) { client in
                let (alice, shop) = (alice.on(client), shop.on(client))
                let token = try await alice.permit(party: shop.id, template: template)
                let problem = try #require(try await refusal(try await shop.verify(token: token, probe: randomEmbedding())))
                #expect("\(problem.status) \(problem.code)" == "409 vault_profile_missing")
                // The refusal came before the permission was spent: where the profile is loaded, it still verifies.
                let result = try await Application(router: SignetApplication.router(ledger: service.ledger, service: service))
                    .test(.router) { original in try await shop.on(original).verify(token: token, probe: face) }
                #expect(try await resultClaims(shop, result).match)
                // Renewal moves the template to the enrolling profile, and it verifies again.
                let face = randomEmbedding()
                try await alice.renew(template, face)
                let fresh = try await alice.permit(party: shop.id, template: template)
                #expect(try await resultClaims(shop, try await shop.verify(token: fresh, probe: face)).match)
            }
        }
    }

    @Test func bodyLimitAdmitsTenSamplesAtTheLargestDimensionAndNothingMuchLarger() {
        let limit = APIConfiguration.bodyLimit(embeddingDimension: 4096)
        let widest = "-3.4028234663852886e+38,"
        let sample = "{\"dimension\":4096,\"values\":[" + String(repeating: widest, count: 4096) + "]},"
        let body = "{\"samples\":[" + String(repeating: sample, count: 10) + "]}"
        #expect(body.utf8.count <= limit)
        // Half as much again for whitespace, and not more: a body twice the worst compact one is refused.
        #expect(body.utf8.count * 3 / 2 <= limit && limit < body.utf8.count * 3 / 2 + 1024)
        #expect(2 * body.utf8.count > limit)
        #expect(APIConfiguration.bodyLimit(embeddingDimension: 0) == 64 * 1024)
    }
}

/// A centring profile that the synthetic one is not.
enum VaultProfileTestsSupport {
    static func centred32() throws -> VaultProfile {
        try VaultProfile(model: "centred", dimension: 32, preprocessing: .centre(mean: [Float](repeating: 0.01, count: 32)),
                         alpha: 4, listSize: 1, kdf: .insecureTesting, calibration: nil)
    }
}

/// The holder's activity comes in pages.
struct ActivityPagingRoutesTests {
    @Test func pagesFollowTheCursorAndRefuseWhatTheServerDidNotGive() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop) = try await enrolledScene(client, service)
            for _ in 0..<4 { _ = try await alice.permit(party: shop.id, template: template) }
            _ = face
            // enroll + 4 permits = 5 events: pages of 2, 2 and 1.
            var indexes: [Int64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await alice.api.listHolderActivity(query: .init(cursor: cursor, limit: 2)).ok.body.json
                #expect(page.events.count <= 2)
                indexes += page.events.map(\.ledgerIndex)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil
            #expect(pages == 3)
            #expect(indexes.count == 5 && indexes == indexes.sorted())
            let all = try await alice.api.listHolderActivity().ok.body.json
            #expect(all.events.map(\.ledgerIndex) == indexes && all.nextCursor == nil)

            for bad in ["-1", "abc", "18446744073709551616", "1e3", " 3"] {
                #expect(try await refused(try await alice.api.listHolderActivity(query: .init(cursor: bad))) == "400 invalid_field", "\(bad)")
            }
            #expect(try await alice.api.listHolderActivity(query: .init(cursor: "18446744073709551615")).ok.body.json.events.isEmpty)
            for limit: Int32 in [0, 101, -5] {
                #expect(try await refused(try await alice.api.listHolderActivity(query: .init(limit: limit))) == "400 invalid_field", "\(limit)")
            }
        }
    }
}

/// A deployment under a path prefix, behind a proxy that strips it: clients sign the prefixed
/// URL, and the server checks signatures against its public URL's path.
struct PublicPathPrefixTests {
    @Test func signaturesCoverThePublicPathPrefix() async throws {
        try await RegistrationRoutesTests.withService { service in
            let prefixed = APIConfiguration(publicURL: URL(string: "http://127.0.0.1:8080/signet/"))
            #expect(prefixed.publicPathPrefix == "/signet")
            for (api, expected) in [(prefixed, "accepted"), (APIConfiguration(), "401 bad_signature")] {
                try await Application(router: SignetApplication.router(ledger: service.ledger, service: service, api: api)).test(.router) { client in
                    let key = Curve25519.Signing.PrivateKey()
                    let publicKey = Base64.encodeURL(key.publicKey.rawRepresentation)
                    let holder = Client.signed(server: URL(string: "http://127.0.0.1:8080/signet")!, key: key, keyID: publicKey,
                                               transport: RouterTransport(client: client))
                    let outcome = try await refused(try await holder.registerHolder(headers: .init(contentDigest: digest), body: .json(.init(publicKey: publicKey))).created)
                    #expect(outcome == expected)
                }
            }
        }
    }
}

/// A signed result answers one request of one party, for a short while.
struct ResultBindingTests {
    @Test func resultsCarryAudienceExpiryIdAndTheEchoedNonce() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            let answer = try await shop.api.createVerification(headers: .init(contentDigest: digest), body: .json(.probe(.init(
                mode: .probe, consentToken: try shop.present(token), probe: payload(face), nonce: "n-123_abc.~")))).ok.body.json
            let claims = try await resultClaims(shop, answer.result)
            #expect(claims.aud == shop.id && claims.nonce == "n-123_abc.~")
            #expect(claims.exp == claims.iat + 300)
            #expect(claims.jti.count == 22)
            // Past its expiry the result no longer verifies.
            await #expect(throws: (any Error).self) {
                try await service.results.verify(answer.result, now: Date(timeIntervalSince1970: TimeInterval(claims.exp + 1)))
            }
            // Two results never share an id.
            let again = try await alice.permit(party: shop.id, template: template)
            #expect(try await resultClaims(shop, try await shop.verify(token: again, probe: face)).jti != claims.jti)
            // A nonce outside the allowed characters is refused before the permission is spent.
            let third = try await alice.permit(party: shop.id, template: template)
            let bad = try await refused(try await shop.api.createVerification(headers: .init(contentDigest: digest), body: .json(.probe(.init(
                mode: .probe, consentToken: try shop.present(third), probe: payload(face), nonce: "a b")))).ok)
            #expect(bad == "400 invalid_field")
            #expect(try await resultClaims(shop, try await shop.verify(token: third, probe: face)).match)
        }
    }
}

/// Registration's per-address bucket: an IPv6 peer is keyed by its /64.
struct ClientAddressBucketTests {
    @Test func ipv6PeersShareTheirSlash64AndIPv4PeersTheirAddress() throws {
        #expect(ClientAddress.bucket(try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1)) == "2001:db8:1:2::/64")
        #expect(ClientAddress.bucket(try SocketAddress(ipAddress: "2001:db8:1:2:ffff:1:2:3", port: 9)) == "2001:db8:1:2::/64")
        #expect(ClientAddress.bucket(try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1)) == "2001:db8:1:3::/64")
        #expect(ClientAddress.bucket(try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == "192.0.2.7")
    }
}
