public import Foundation
import Synchronization

/// The in-memory reference ``AttributeStorage``.
public final class MemoryAttributeStorage: AttributeStorage {
    private let state = Mutex<(attesters: Set<String>, attributes: [Attribute])>(([], []))

    /// Creates an empty store.
    public init() {}

    public func appoint(partyID: String, at date: Date) async throws -> Bool {
        state.withLock { $0.attesters.insert(partyID).inserted }
    }

    public func isAttester(partyID: String) async throws -> Bool {
        state.withLock { $0.attesters.contains(partyID) }
    }

    public func insert(_ attribute: Attribute) async throws {
        state.withLock { state in
            state.attributes.removeAll { $0.holderID == attribute.holderID && $0.name == attribute.name && $0.attesterID == attribute.attesterID }
            state.attributes.append(attribute)
        }
    }

    public func attributes(holderID: String) async throws -> [Attribute] {
        state.withLock { $0.attributes.filter { $0.holderID == holderID }.sorted { ($0.name, $0.attestedAt) < ($1.name, $1.attestedAt) } }
    }
}
