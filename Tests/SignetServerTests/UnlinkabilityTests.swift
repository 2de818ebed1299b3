import Foundation
import SignetAPI
import SignetCore
import SignetLog
import SignetService
import Testing

/// Two parties that a holder lets verify the same template cannot link what they hold: Signet
/// gives each a token, challenges and signed results that name a handle of its own, and never
/// the template, the holder or anything the other party also gets.
struct UnlinkabilityTests {
    @Test func twoPartiesVerifyingOneTemplateShareNoIdentifier() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop) = try await enrolledScene(client, service)
            let bank = try await TestParty.register(client, approveWith: service)

            var views: [[String]] = []
            for party in [shop, bank] {
                var view: [String] = []
                // Probe mode: the holder hands over the token; the party gets a signed result.
                let probeToken = try await alice.permit(party: party.id, template: template)
                view.append(probeToken)
                view += try Self.strings(inJWS: try await party.verify(token: probeToken, probe: face))
                // Device mode: a challenge, then a result.
                let deviceToken = try await alice.permit(party: party.id, template: template)
                view.append(deviceToken)
                let challenge = try await party.challenge(token: deviceToken)
                view += try Self.strings(in: JSONEncoder().encode(challenge))
                let signature = try await alice.sign(template: template, sample: face, challengeID: challenge.id, nonce: challenge.nonce,
                                                     party: party.id, handle: challenge.handle)
                let result = try await party.answer(token: deviceToken, challenge: challenge.id, signature: signature)
                #expect(try await resultClaims(party, result).match)
                view += try Self.strings(inJWS: result)
                views.append(view)
            }

            // Nothing a party holds names the template or the holder.
            for view in views {
                for text in view {
                    #expect(!text.contains(template) && !text.contains(alice.id))
                }
            }
            // What both hold is public and the same for every party of this server.
            let publicValues: Set<String> = [
                service.ledger.verifier.name, "probe", "device", "EdDSA", "signet-result+jwt", service.results.keyID,
            ]
            let shared = Set(views[0]).intersection(views[1]).subtracting(publicValues)
            #expect(shared.isEmpty, "values both parties hold: \(shared.sorted())")
        }
    }

    /// The string leaves of a JSON document.
    static func strings(in json: Data) throws -> [String] {
        func leaves(_ value: Any) -> [String] {
            switch value {
            case let text as String: [text]
            case let object as [String: Any]: object.values.flatMap(leaves)
            case let array as [Any]: array.flatMap(leaves)
            default: []
            }
        }
        return leaves(try JSONSerialization.jsonObject(with: json))
    }

    /// The string leaves of a compact JWS's protected header and payload, and its signature.
    static func strings(inJWS jws: String) throws -> [String] {
        let parts = jws.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        return try strings(in: Data(try #require(Base64.decodeURL(parts[0])))) + strings(in: Data(try #require(Base64.decodeURL(parts[1])))) + [parts[2]]
    }
}
