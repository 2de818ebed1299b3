public import Foundation
import Synchronization

/// The in-memory reference ``ProtocolStorage``.
public final class MemoryProtocolStorage: ProtocolStorage {
    private let stored = Mutex<[Int: ProtocolVersion]>([:])

    /// Creates an empty store.
    public init() {}

    public func propose(_ version: ProtocolVersion) async throws -> Bool {
        stored.withLock { stored in
            guard stored[version.version] == nil else { return false }
            stored[version.version] = version
            return true
        }
    }

    public func versions() async throws -> [ProtocolVersion] {
        stored.withLock { $0.values.sorted { $0.version < $1.version } }
    }

    public func activate(version: Int, at date: Date) async throws -> ProtocolVersion? {
        stored.withLock { stored in
            guard var found = stored[version], found.activatedAt == nil, found.effectiveAt <= date,
                  !stored.values.contains(where: { $0.activatedAt != nil && $0.version > version }) else { return nil }
            found.activatedAt = date
            stored[version] = found
            return found
        }
    }
}
