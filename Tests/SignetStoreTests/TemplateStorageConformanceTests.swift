import Foundation
import SignetCore
import SignetStore
import SignetTesting
import SignetVault
import Testing

struct TemplateStorageConformanceTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available)
    func templatesAreScopedToTheirHolder(_ backend: Backend) async throws {
        try await withFreshTemplateStore(backend) { store in
            let mine = StoredTemplate(id: TemplateID.random(), holderID: "h_alice", bytes: [1, 2, 3], updatedAt: Self.t0)
            try await store.insert(mine)
            #expect(try await store.template(id: mine.id, holderID: "h_alice") == mine)
            #expect(try await store.template(id: mine.id) == mine)
            // Another holder sees nothing and changes nothing: no IDOR.
            #expect(try await store.template(id: mine.id, holderID: "h_mallory") == nil)
            #expect(try await store.replace(id: mine.id, holderID: "h_mallory", bytes: [9], publicKey: nil, at: Self.t0) == false)
            #expect(try await store.delete(id: mine.id, holderID: "h_mallory") == false)
            #expect(try await store.template(id: mine.id)?.bytes == [1, 2, 3])
        }
    }

    @Test(arguments: Backend.available)
    func renewAndDelete(_ backend: Backend) async throws {
        try await withFreshTemplateStore(backend) { store in
            let a = StoredTemplate(id: TemplateID.random(), holderID: "h_alice", bytes: [1], updatedAt: Self.t0)
            let b = StoredTemplate(id: TemplateID.random(), holderID: "h_alice", bytes: [2], updatedAt: Self.t0.addingTimeInterval(1))
            try await store.insert(a)
            try await store.insert(b)
            #expect(try await store.templateIDs(holderID: "h_alice") == [a.id, b.id])
            #expect(try await store.replace(id: a.id, holderID: "h_alice", bytes: [7, 7], publicKey: [5, 5], at: Self.t0.addingTimeInterval(5)))
            #expect(try await store.template(id: a.id)?.bytes == [7, 7])
            #expect(try await store.publicKey(id: a.id) == [5, 5])
            #expect(try await store.template(id: a.id)?.publicKey == [5, 5])
            // Records without a stored key (written before schema v5) answer nil, as unknown ids do.
            #expect(try await store.publicKey(id: b.id) == nil)
            #expect(try await store.publicKey(id: TemplateID.random()) == nil)
            #expect(try await store.templateIDs(holderID: "h_alice") == [b.id, a.id])
            // A lockdown locks every template of the holder; a renewal lifts it, one at a time.
            #expect(try await store.lockAll(holderID: "h_alice", at: Self.t0.addingTimeInterval(9)) == 2)
            #expect(try await store.lockAll(holderID: "h_nobody", at: Self.t0) == 0)
            #expect(try await store.template(id: b.id, holderID: "h_alice")?.lockedAt == Self.t0.addingTimeInterval(9))
            #expect(try await store.lockAll(holderID: "h_alice", at: Self.t0.addingTimeInterval(20)) == 2)
            #expect(try await store.template(id: a.id)?.lockedAt == Self.t0.addingTimeInterval(9))
            #expect(try await store.replace(id: a.id, holderID: "h_alice", bytes: [8], publicKey: [6], at: Self.t0.addingTimeInterval(30)))
            #expect(try await store.template(id: a.id)?.lockedAt == nil)
            #expect(try await store.template(id: b.id)?.lockedAt != nil)
            #expect(try await store.delete(id: a.id, holderID: "h_alice"))
            #expect(try await store.template(id: a.id) == nil)
            #expect(try await store.delete(id: a.id, holderID: "h_alice") == false)
        }
    }
}
