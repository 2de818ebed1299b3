import CompressNIO
import Crypto
import NIOCore
import Foundation
import Testing
import Logging
import SignetCore
import SignetLog
import SignetMarket
import SignetService
import SignetVault
import Synchronization

/// A clock that stands still until a test moves it.
final class SteppedClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_790_000_000))

    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// Remembers every event it is shown.
final class EventLogbook: EventObserver {
    private let events = Mutex<[RecordedEvent]>([])

    var recorded: [RecordedEvent] { events.withLock { $0 } }
    func observe(_ event: RecordedEvent) async { events.withLock { $0.append(event) } }
}

/// The workflows on in-memory stores with a fixed log key, a seeded generator and a stepped
/// clock: every run makes the same ids, tokens and ledger entries.
struct ServiceFixture {
    static let logKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))
    static let resultKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 0x24, count: 32))

    let service: SignetService
    let clock: SteppedClock
    let logbook: EventLogbook

    /// Opens the fixture; `seed` fixes every random byte.
    static func make(seed: UInt8 = 1, observers: [any EventObserver] = [], configure: (inout ServiceConfiguration) -> Void = { _ in },
                     stores wrap: (Stores) -> Stores = { $0 }) async throws -> ServiceFixture {
        let clock = SteppedClock()
        let random = SeededRandomBytes(seed: [seed])
        var configuration = ServiceConfiguration(now: { clock.now() }, random: random)
        configure(&configuration)
        let stores = wrap(Stores.inMemory(random: random))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let ledger = try await Ledger.open(signer: try NoteSigner(name: "service.test/log", privateKey: logKey), storage: stores.log, logger: logger)
        let logbook = EventLogbook()
        let service = SignetService(
            ledger: ledger, stores: stores, results: await ResultSigner(privateKey: resultKey),
            vault: try VaultConfiguration(dimension: 16, alpha: 4, kdf: .insecureTesting), configuration: configuration, observers: [logbook] + observers)
        return ServiceFixture(service: service, clock: clock, logbook: logbook)
    }

    /// A registered holder (with a fixed key derived from `number`).
    func holder(_ number: UInt8) async throws -> PrincipalID {
        let holder = try service.newHolder(publicKey: Self.publicKey(number))
        try await service.register(holder)
        return holder.id.principal
    }

    /// A registered party, approved by the operator unless told otherwise.
    func party(_ number: UInt8, approved: Bool = true) async throws -> PrincipalID {
        let party = try service.newParty(name: "Party \(number)", contact: "ops@party\(number).example", publicKey: Self.publicKey(number))
        try await service.register(party)
        if approved { _ = try await service.approve(party: party.id.rawValue) }
        return party.id.principal
    }

    /// The token presented by the party it was issued to: the numbered key whose public half
    /// its `cnf` names signs a key-binding JWT at the fixture's time.
    func present(_ token: String) throws -> String {
        let issuer = try #require(token.split(separator: "~").first)
        let payload = try #require(CompactJWS.unverifiedPayload(issuer))
        let claims = try JSONDecoder().decode(ConsentClaims.self, from: Data(payload))
        let key = try #require((1...255).lazy.map { Self.privateKey(UInt8($0)) }.first {
            Base64.encodeURL($0.publicKey.rawRepresentation) == claims.cnf.jwk.x
        })
        return try #require(try ConsentPresentation.present(token, at: clock.now(), with: key))
    }

    /// The status list's bytes, after checking its signature, type, URL and bit width.
    func statusListBytes() async throws -> [UInt8] {
        let jwt = try await service.statusListToken()
        let verified = try #require(CompactJWS.verify(jwt, key: service.results.publicKey))
        #expect(String(decoding: verified.header, as: UTF8.self).contains("\"typ\":\"statuslist+jwt\""))
        struct Claims: Decodable { struct List: Decodable { let bits: Int; let lst: String }; let sub: String; let status_list: List }
        let claims = try JSONDecoder().decode(Claims.self, from: Data(verified.payload))
        #expect(claims.sub == service.statusListURL && claims.status_list.bits == 2)
        var compressed = ByteBuffer(bytes: try #require(Base64.decodeURL(claims.status_list.lst)))
        return Array(try compressed.decompress(with: .zlib()).readableBytesView)
    }

    /// The two-bit status at `index` (0 VALID, 1 INVALID, 2 SUSPENDED).
    static func status(at index: Int, in bytes: [UInt8]) -> UInt8 {
        (bytes[index / 4] >> UInt8((index % 4) * 2)) & 0b11
    }

    static func privateKey(_ number: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: number, count: 32))
    }

    static func publicKey(_ number: UInt8) -> [UInt8] {
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: number, count: 32))
        return Array(key.publicKey.rawRepresentation)
    }

    /// A unit-ish 16-number face, and another sample of the same face.
    static let face: [Float] = (0..<16).map { Float(sin(Double($0) * 1.7 + 0.3)) }
    static let sameFace: [Float] = face.enumerated().map { $0.element + ($0.offset.isMultiple(of: 3) ? 0.02 : -0.01) }
    static let otherFace: [Float] = (0..<16).map { Float(cos(Double($0) * 2.9 + 1.1)) }
}
