import OpenAPIRuntime
import SignetClient
import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetLog
import SignetMarket
import SignetVault

/// `signet holder …`: a holder's device.
struct HolderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holder", abstract: "Act as a holder: register, enroll, consent, check your activity.",
        subcommands: [Init.self, Show.self, Enroll.self, Renew.self, Delete.self, Permit.self, Answer.self, Activity.self, RotateKey.self, Code.self, Offers.self, Decline.self, CounterOffer.self, Accept.self, Grants.self, Revoke.self, Receipt.self, Earnings.self, Attributes.self, Lockdown.self, Alerts.self, SignIn.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key (if needed) and register as a holder.")
        @OptionGroup var client: ClientOptions
        func run() async throws {
            try await runClient {
                print(try await ClientIdentity(role: "holder", options: client).register { api, publicKey in
                    try await api.registerHolder(headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init(publicKey: publicKey))).created.body.json.id
                })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show your holder record: id, registration time and template ids.")
        @OptionGroup var client: ClientOptions
        func run() async throws {
            try await runClient {
                let profile = try await holderClient(client).getHolderProfile().ok.body.json
                print("holder \(profile.id) registered \(ISO8601DateFormatter().string(from: profile.registeredAt))")
                for template in profile.templates { print("template \(template)") }
            }
        }
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enroll 1 to 10 samples of yourself; only a protected template is kept.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var samples: SampleOptions
        func run() async throws {
            let body = try samples.request()
            try await runClient {
                printReceipt(try await holderClient(client)
                    .enrollTemplate(headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(body)).created.body.json)
            }
        }
    }

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a template from 1 to 10 fresh samples.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Template id.") var template: String
        @OptionGroup var samples: SampleOptions
        func run() async throws {
            let body = try samples.request()
            try await runClient {
                printReceipt(try await holderClient(client)
                    .renewTemplate(path: .init(templateId: template), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(body)).ok.body.json)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a template.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Template id.") var template: String
        func run() async throws {
            try await runClient {
                printReceipt(try await holderClient(client).deleteTemplate(path: .init(templateId: template)).ok.body.json, as: "deleted")
            }
        }
    }

    struct Permit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a party one verification of one template; prints the consent token to hand to the party, and the grant's handle.",
            discussion: "The party needs only the token: it never learns the template id. Its challenges and results name the handle.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Template id.") var template: String
        @Option(help: "Party id.") var party: String
        @Option(help: "Lifetime in seconds (60...86400).") var ttl = 600
        func run() async throws {
            try await runClient {
                let answer = try await holderClient(client)
                    .createPermission(headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init(templateId: template, partyId: party, ttlSeconds: Int32(clamping: ttl)))).created.body.json
                print("\(answer.token ?? "") \(answer.handle)")
            }
        }
    }

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a party's device-mode challenge: unlock your template's key with a fresh sample on this device and sign; prints the signature.",
            discussion: "The sample never leaves this machine: the protected template is downloaded, the codeword is decoded locally and only the signature is printed.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Template id.") var template: String
        @Option(help: "Challenge id, from the party.") var challenge: String
        @Option(help: "The permission's handle (g_…), from the party's challenge; `holder permit` printed it too.") var handle: String
        @Option(help: "The party's id (p_…), from the party: its public name is shown before you sign, and the signature is valid only for that party.")
        var party: String
        // Unconditional: a base64url nonce may start with "-", which must not read as an option.
        @Option(parsing: .unconditional, help: "Challenge nonce, from the party (it may start with \"-\").") var nonce: String
        @Option(help: "File with a fresh embedding.") var embedding: String
        @Option(name: .customLong("vault-profile"), help: "The server's vault profile file, for a template enrolled under a calibrated profile (its preprocessing runs on this device).")
        var vaultProfile: String?
        func run() async throws {
            let values = try readEmbedding(embedding)
            let profile = try vaultProfile.map(readVaultProfile)
            try await runClient {
                let api = try holderClient(client)
                let (message, partyName) = try await api.challengeMessage(id: challenge, nonce: nonce, party: party, handle: handle)
                printError("signet: answering \(partyName) (\(party)) for permission \(handle) with template \(template)")
                let key = try await api.unlockDeviceKey(template: template, sample: values.map { Float($0) }, profile: profile)
                print(Base64.encodeURL(try key.sign(challenge: message)))
            }
        }
    }

    struct Activity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List your ledger events and check each one locally: inclusion proof, checkpoint signature, pseudonym, commitment.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The log's verifier key, as printed by `signet log key` (env SIGNET_LOG_VKEY).")
        var vkey: String?

        func run() async throws {
            guard let vkeyText = vkey ?? ProcessInfo.processInfo.environment["SIGNET_LOG_VKEY"] else {
                throw ValidationError("--vkey (or SIGNET_LOG_VKEY) is required: proofs are checked against the log's key")
            }
            let verifier: NoteVerifier
            do { verifier = try NoteVerifier(vkey: vkeyText) } catch { throw ValidationError("--vkey: \(error)") }
            try await runClient {
                let api = try holderClient(client)
                var page = try await api.listHolderActivity().ok.body.json
                var events = page.events
                while let cursor = page.nextCursor {
                    page = try await api.listHolderActivity(query: .init(cursor: cursor)).ok.body.json
                    events += page.events
                }
                let secret = SymmetricKey(data: Base64.decodeURL(page.activitySecret) ?? [])
                var failures = 0
                for event in events {
                    do {
                        try check(event, verifier: verifier, secret: secret)
                        print("✓ \(event.ledgerIndex) \(event._type.rawValue) \(event.details)")
                    } catch {
                        failures += 1
                        print("✗ \(event.ledgerIndex) \(event._type.rawValue): \(error)")
                    }
                }
                if failures > 0 {
                    printError("signet: \(failures) event(s) failed verification")
                    throw ExitCode.failure
                }
            }
        }

        /// Checks one event: proof and checkpoint, pseudonym, and commitment to the details.
        func check(_ event: Components.Schemas.ActivityEvent, verifier: NoteVerifier, secret: SymmetricKey) throws {
            let entry = Array(event.entry.data)
            _ = try TlogProof(parsing: event.proof).verify(entry: entry, verifier: verifier)
            let logged = try LedgerEvent(parsing: entry)
            guard logged.pseudonym == LedgerEvent.pseudonym(activitySecret: secret, eventID: Base64.decodeURL(event.eventId) ?? []) else {
                throw ValidationError("the logged pseudonym is not yours")
            }
            var hasher = SHA256()
            hasher.update(data: Base64.decodeURL(event.salt) ?? [])
            hasher.update(data: Array(event.details.utf8))
            guard logged.commitment == Array(hasher.finalize()) else {
                throw ValidationError("the logged commitment does not match the details")
            }
        }
    }
}

extension HolderCommand {
    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Replace your key: the request is signed by the current key and the new key signs its consent; logged as rotate_key.",
            discussion: """
                The new key is written to holder.pem.new (mode 0600) before the server is asked, and moved over holder.pem only \
                once the server has switched, so an interruption never locks you out: run the command again and it finishes \
                (or retries) the same rotation.
                """)
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let identity = ClientIdentity(role: "holder", options: client)
            let id = try identity.registeredID()
            let pendingPath = identity.keyPath + ".new"
            try await runClient {
                let newKey: Curve25519.Signing.PrivateKey
                if FileManager.default.fileExists(atPath: pendingPath) {
                    newKey = try identity.loadKey(at: pendingPath)
                    // An earlier run may have rotated on the server and stopped before the move.
                    let probe = Client.signed(server: client.base, key: newKey, keyID: id)
                    if (try? await probe.getHolderProfile().ok.body.json.publicKey) == Base64.encodeURL(newKey.publicKey.rawRepresentation) {
                        try Self.install(pendingPath, over: identity.keyPath)
                        print("finished an interrupted rotation: \(identity.keyPath) holds the new key")
                        return
                    }
                } else {
                    newKey = try identity.createKey(at: pendingPath)
                }
                let oldKey = try identity.loadKey()
                guard let principal = PrincipalID(id) else { throw ValidationError("\(identity.idPath) does not hold a holder id") }
                let message = KeyRotation.message(
                    principal: principal, oldKey: Array(oldKey.publicKey.rawRepresentation), newKey: Array(newKey.publicKey.rawRepresentation))
                let change = try await identity.client().rotateHolderKey(
                    headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder),
                    body: .json(.init(publicKey: Base64.encodeURL(newKey.publicKey.rawRepresentation),
                                      proof: Base64.encodeURL(try newKey.signature(for: message))))).ok.body.json
                try Self.install(pendingPath, over: identity.keyPath)
                print("rotated: ledger index \(change.ledgerIndex)")
            }
        }

        /// Moves the new key over the old one (one rename, so the file is always one whole key).
        static func install(_ pending: String, over path: String) throws {
            guard rename(pending, path) == 0 else {
                throw ValidationError("the server uses the new key, but moving \(pending) over \(path) failed: move it by hand")
            }
        }
    }
}
