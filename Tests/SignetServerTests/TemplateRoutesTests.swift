import SignetClient
import SignetAPI
import OpenAPIRuntime
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SignetCore
import SignetLog
import SignetMarket
import SignetServer
import Testing

struct TemplateRoutesTests {
    @Test func enrollRenewDeleteAreLoggedAndProvable() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let id = try await alice.enroll(randomEmbedding())
            try await alice.renew(id, randomEmbedding())
            try await alice.delete(id)
            #expect(try await refusal(try await alice.delete(id))?.status == 404)

            // The holder's activity: three events, each provably in the ledger, each opening.
            let activity = try await alice.activity()
            #expect(activity.events.map(\._type) == [.enroll, .renew, .delete])
            let secret = try #require(Base64.decodeURL(activity.activitySecret))
            for event in activity.events {
                let entry = Array(event.entry.data)
                let proof = try TlogProof(parsing: event.proof)
                // The proof's checkpoint must be a real checkpoint of this log and include the entry.
                let signed = try SignedNote(parsing: proof.checkpointNote)
                #expect(!signed.signatures.isEmpty)
                let checkpoint = try Checkpoint(parsingText: signed.text)
                try MerkleProof.verifyInclusion(leafIndex: proof.index, treeSize: checkpoint.size, leafHash: RFC6962.leafHash(entry), proof: proof.path, root: checkpoint.root)
                // The entry names the holder only by a pseudonym the holder can recompute.
                let eventID = try #require(Base64.decodeURL(event.eventId))
                let expected = LedgerEvent.pseudonym(activitySecret: SymmetricKey(data: secret), eventID: eventID)
                #expect(try LedgerEvent(parsing: entry).pseudonym == expected)
                #expect(!String(decoding: entry, as: UTF8.self).contains(alice.id))
            }
        }
    }

    @Test func aHolderReadsTheirOwnRecord() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let first = try await alice.enroll(randomEmbedding())
            let profile = try await alice.api.getHolderProfile().ok.body.json
            #expect(profile.id == alice.id)
            #expect(profile.publicKey == Base64.encodeURL(alice.key.publicKey.rawRepresentation))
            #expect(profile.templates == [first])
            let shop = try await TestParty.register(client, approveWith: service)
            #expect(try await refused(try await shop.api.getHolderProfile().ok) == "403 holder_only")
            #expect(try await client.execute(uri: "/v1/holders/me", method: .get) { $0.status } == .unauthorized)
        }
    }

    @Test func anotherHoldersTemplateIsNotFound() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            let id = try await alice.enroll(randomEmbedding())
            #expect(try await refusal(try await mallory.renew(id, randomEmbedding()))?.status == 404)
            #expect(try await refusal(try await mallory.delete(id))?.status == 404)
            try await alice.delete(id)
        }
    }

    @Test(arguments: [
        (embeddingJSON(randomEmbedding(16)), "wrong_dimension", HTTPResponse.Status.unprocessableContent),
        (embeddingJSON(randomEmbedding(32), dimension: 31), "wrong_dimension", .unprocessableContent),
        (embeddingJSON([Float](repeating: 0, count: 32)), "zero_vector", .unprocessableContent),
        (Array("{\"dimension\":2,\"values\":[1,1]}".utf8), "invalid_embedding", .unprocessableContent),
        (Array("{\"dimension\":32,\"values\":[1e300\(String(repeating: ",1", count: 31))]}".utf8), "non_finite", .unprocessableContent),
        (Array("{\"dimension\":32,\"values\":\"no\"}".utf8), "invalid_field", .badRequest),
        (Array("{\"dimension\":32,\"values\":[1,\"x\"\(String(repeating: ",1", count: 30))]}".utf8), "invalid_field", .badRequest),
        (Array("{\"dimension\":32,\"values\":null}".utf8), "invalid_field", .badRequest),
        (Array("{\"dimension\":32}".utf8), "invalid_field", .badRequest),
        (Array("{\"values\":[1,1]}".utf8), "invalid_field", .badRequest),
        (Array("{\"dimension\":32,\"values\":[],\"name\":\"x\"}".utf8), "unknown_field", .badRequest),
        (Array("[1,2]".utf8), "invalid_json", .badRequest),
    ])
    func badEmbeddingsAreRefusedAndNothingIsStored(_ body: [UInt8], _ code: String, _ status: HTTPResponse.Status) async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let (got, problem) = try await sendRaw(client, key: alice.key, keyID: alice.id, .post, "/v1/templates", json: body)
            #expect(got == status)
            #expect(problem == code)
            #expect(try await alice.activity().events.isEmpty)
        }
    }

    @Test func partiesCannotEnroll() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let shop = try await TestParty.register(client)
            #expect(try await refused(try await shop.api.enrollTemplate(headers: .init(contentDigest: digest), body: .json(.init(payload(randomEmbedding())))).created) == "403 holder_only")
        }
    }
}
