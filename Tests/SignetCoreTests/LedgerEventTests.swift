import Crypto
import Testing
@testable import SignetCore

struct LedgerEventTests {
    let secret = SymmetricKey(data: [UInt8](repeating: 7, count: 32))

    @Test func entryIsCanonicalJSONWithoutPersonalData() throws {
        let pseudonym = LedgerEvent.pseudonym(activitySecret: secret, eventID: [1, 2, 3])
        let commitment = try LedgerEvent.commitment(salt: [9], details: .object(["template": .string("t_x")]))
        let event = LedgerEvent(kind: .use, time: 1_790_000_000, party: "p_shop", pseudonym: pseudonym, commitment: commitment)
        let text = String(decoding: event.entry(), as: UTF8.self)
        #expect(text == "{\"commitment\":\"\(Base64.encodeURL(commitment))\",\"holder\":\"\(Base64.encodeURL(pseudonym))\",\"party\":\"p_shop\",\"time\":1790000000,\"type\":\"use\",\"v\":1}")
        #expect(!text.contains("t_x"))
    }

    @Test func partyEventNamesOnlyTheParty() {
        let event = LedgerEvent(kind: .suspend, time: 1_790_000_000, party: "p_shop")
        #expect(String(decoding: event.entry(), as: UTF8.self) == "{\"party\":\"p_shop\",\"time\":1790000000,\"type\":\"suspend\",\"v\":1}")
    }

    @Test func pseudonymsOfOneHolderAreUnlinkableWithoutTheSecret() {
        let a = LedgerEvent.pseudonym(activitySecret: secret, eventID: [1])
        let b = LedgerEvent.pseudonym(activitySecret: secret, eventID: [2])
        #expect(a != b)
        // Recomputable by the holder, and only with the right secret.
        #expect(a == LedgerEvent.pseudonym(activitySecret: secret, eventID: [1]))
        #expect(a != LedgerEvent.pseudonym(activitySecret: SymmetricKey(data: [UInt8](repeating: 8, count: 32)), eventID: [1]))
    }

    @Test func commitmentBindsSaltAndDetails() throws {
        let details = JSONValue.object(["b": .number(1), "a": .string("x")])
        let reordered = JSONValue.object(["a": .string("x"), "b": .number(1)])
        #expect(try LedgerEvent.commitment(salt: [1], details: details) == LedgerEvent.commitment(salt: [1], details: reordered))
        #expect(try LedgerEvent.commitment(salt: [1], details: details) != LedgerEvent.commitment(salt: [2], details: details))
        #expect(try LedgerEvent.commitment(salt: [1], details: details) != LedgerEvent.commitment(salt: [1], details: .object(["a": .string("y"), "b": .number(1)])))
    }
}

extension LedgerEventTests {
    @Test func entriesReadBackAsTheyWereWritten() throws {
        let holderEvent = LedgerEvent(kind: .grant, time: 1_790_000_000, party: "p_shop",
                                      pseudonym: [UInt8](repeating: 1, count: 32), commitment: [UInt8](repeating: 2, count: 32))
        #expect(try LedgerEvent(parsing: holderEvent.entry()) == holderEvent)
        let partyEvent = LedgerEvent(kind: .approve, time: 1_790_000_000, party: "p_shop")
        #expect(try LedgerEvent(parsing: partyEvent.entry()) == partyEvent)
    }

    @Test(arguments: [
        "", "{}", "[1]", "{\"v\":2,\"type\":\"use\",\"time\":1}", "{\"v\":1,\"type\":\"steal\",\"time\":1,\"party\":\"p\"}",
        "{\"v\":1,\"type\":\"use\",\"time\":1,\"holder\":\"AAAA\",\"commitment\":\"AAAA\"}", "{\"v\":1,\"type\":\"approve\",\"time\":1}",
        "{\"v\":1,\"type\":\"use\",\"time\":1,\"party\":\"p_x\"}",
        "{\"v\":1,\"type\":\"approve\",\"time\":1,\"party\":\"p_x\",\"holder\":\"\(Base64.encodeURL([UInt8](repeating: 1, count: 32)))\",\"commitment\":\"\(Base64.encodeURL([UInt8](repeating: 2, count: 32)))\"}",
    ])
    func somethingElseIsUnreadable(_ text: String) {
        #expect(throws: LedgerEvent.UnreadableEntry.self) { try LedgerEvent(parsing: Array(text.utf8)) }
    }
}

/// The third shape: a `protocol` entry names neither a holder nor a party.
struct ProtocolEntryTests {
    static let change = LedgerEvent.ProtocolChange(stage: "proposed", version: 2, content_id: "sha256:" + String(repeating: "a", count: 64),
                                                   diff_sha256: "AAAA", effective: 1_800_000_000)

    @Test func aProtocolEntryRoundTripsInClear() throws {
        let entry = LedgerEvent(time: 1_790_000_000, protocolChange: Self.change).entry()
        let text = String(decoding: entry, as: UTF8.self)
        #expect(text.contains("\"type\":\"protocol\"") && !text.contains("holder") && !text.contains("party"))
        #expect(try LedgerEvent(parsing: entry) == LedgerEvent(time: 1_790_000_000, protocolChange: Self.change))
    }

    @Test(arguments: [
        #"{"v":1,"type":"protocol","time":1}"#,
        #"{"v":1,"type":"protocol","time":1,"party":"p_x","protocol":{"stage":"proposed","version":2,"content_id":"c","diff_sha256":"d","effective":1}}"#,
        #"{"v":1,"type":"approve","time":1,"party":"p_x","protocol":{"stage":"proposed","version":2,"content_id":"c","diff_sha256":"d","effective":1}}"#,
    ])
    func misshapenProtocolEntriesAreUnreadable(_ text: String) {
        #expect(throws: LedgerEvent.UnreadableEntry.self) { try LedgerEvent(parsing: Array(text.utf8)) }
    }
}
