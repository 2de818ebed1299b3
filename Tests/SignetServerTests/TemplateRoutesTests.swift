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

/// A registered holder in a test: its key and id, able to sign further requests.
struct TestHolder {
    let key = Curve25519.Signing.PrivateKey()
    var id = ""

    static func register(_ client: any TestClientProtocol) async throws -> TestHolder {
        var holder = TestHolder()
        let body = RegistrationRoutesTests.registration(holder.key)
        let headers = try TestClientSigner(key: holder.key, keyID: Base64.encodeURL(holder.key.publicKey.rawRepresentation))
            .headers(method: .post, path: "/v1/holders", body: body)
        holder.id = try await client.execute(uri: "/v1/holders", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            try #require((try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String])?["id"])
        }
        return holder
    }

    func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, json: [UInt8]? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        let headers = try TestClientSigner(key: key, keyID: id).headers(method: method, path: path, body: json)
        return try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(bytes: $0) }) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }
}

func embeddingJSON(_ values: [Float], dimension: Int? = nil) -> [UInt8] {
    Array("{\"dimension\":\(dimension ?? values.count),\"values\":[\(values.map { String($0) }.joined(separator: ","))]}".utf8)
}

func randomEmbedding(_ n: Int = 32) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1) } }

struct TemplateRoutesTests {
    @Test func enrollRenewDeleteAreLoggedAndProvable() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let (status, enrolled) = try await alice.send(client, .post, "/v1/templates", json: embeddingJSON(randomEmbedding()))
            #expect(status == .created)
            let id = try #require(enrolled["id"] as? String)
            #expect(enrolled["ledger_index"] as? Int != nil)
            #expect(try await alice.send(client, .put, "/v1/templates/\(id)", json: embeddingJSON(randomEmbedding())).0 == .ok)
            #expect(try await alice.send(client, .delete, "/v1/templates/\(id)").0 == .ok)
            #expect(try await alice.send(client, .delete, "/v1/templates/\(id)").0 == .notFound)

            // The holder's activity: three events, each provably in the ledger, each opening.
            let (activityStatus, activity) = try await alice.send(client, .get, "/v1/holders/me/activity")
            #expect(activityStatus == .ok)
            let events = try #require(activity["events"] as? [[String: Any]])
            #expect(events.map { $0["type"] as? String } == ["enroll", "renew", "delete"])
            let secretText = try #require(activity["activity_secret"] as? String)
            let secret = try #require(Base64.decodeURL(secretText))
            for event in events {
                let entryText = try #require(event["entry"] as? String)
                let entry = try #require(Base64.decode(entryText))
                let proofText = try #require(event["proof"] as? String)
                let proof = try TlogProof(parsing: proofText)
                // The proof's checkpoint must be a real checkpoint of this log and include the entry.
                let signed = try SignedNote(parsing: proof.checkpointNote)
                #expect(!signed.signatures.isEmpty)
                let checkpoint = try Checkpoint(parsingText: signed.text)
                try MerkleProof.verifyInclusion(leafIndex: proof.index, treeSize: checkpoint.size, leafHash: RFC6962.leafHash(entry), proof: proof.path, root: checkpoint.root)
                // The entry names the holder only by a pseudonym the holder can recompute.
                let ledgerEvent = try #require(try JSONSerialization.jsonObject(with: Data(entry)) as? [String: Any])
                let eventIDText = try #require(event["event_id"] as? String)
                let eventID = try #require(Base64.decodeURL(eventIDText))
                let expected = LedgerEvent.pseudonym(activitySecret: SymmetricKey(data: secret), eventID: eventID)
                #expect(ledgerEvent["holder"] as? String == Base64.encodeURL(expected))
                #expect(!String(decoding: entry, as: UTF8.self).contains(alice.id))
            }
        }
    }

    @Test func anotherHoldersTemplateIsNotFound() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            let enrolled = try await alice.send(client, .post, "/v1/templates", json: embeddingJSON(randomEmbedding())).1
            let id = try #require(enrolled["id"] as? String)
            #expect(try await mallory.send(client, .put, "/v1/templates/\(id)", json: embeddingJSON(randomEmbedding())).0 == .notFound)
            #expect(try await mallory.send(client, .delete, "/v1/templates/\(id)").0 == .notFound)
            #expect(try await alice.send(client, .delete, "/v1/templates/\(id)").0 == .ok)
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
            let (got, problem) = try await alice.send(client, .post, "/v1/templates", json: body)
            #expect(got == status)
            #expect(problem["code"] as? String == code)
            let activity = try await alice.send(client, .get, "/v1/holders/me/activity").1
            #expect((activity["events"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func partiesCannotEnroll() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let key = Curve25519.Signing.PrivateKey()
            let body = RegistrationRoutesTests.registration(key, extra: ["name": "Shop", "contact": "a@b.example"])
            let headers = try TestClientSigner(key: key, keyID: Base64.encodeURL(key.publicKey.rawRepresentation)).headers(method: .post, path: "/v1/parties", body: body)
            let partyID = try await client.execute(uri: "/v1/parties", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                try #require((try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String])?["id"])
            }
            let json = embeddingJSON(randomEmbedding())
            let signed = try TestClientSigner(key: key, keyID: partyID).headers(method: .post, path: "/v1/templates", body: json)
            try await client.execute(uri: "/v1/templates", method: .post, headers: signed, body: ByteBuffer(bytes: json)) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
