import Synchronization

/// A bounded cache of full tiles and full entry bundles.
///
/// Deliberate: only full (256-wide) resources are cached, because they never change once
/// written; partial tiles grow and are always read from storage.
final class ImmutableResourceCache: Sendable {
    private struct State {
        var items: [TilePath: [UInt8]] = [:]
        var order: [TilePath] = []
        var head = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    private let capacityBytes: Int

    /// Creates a cache holding at most `capacityBytes` of resource bytes.
    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    func get(_ path: TilePath) -> [UInt8]? {
        state.withLock { $0.items[path] }
    }

    func put(_ path: TilePath, _ bytes: [UInt8]) {
        guard path.isFull, bytes.count <= capacityBytes else { return }
        state.withLock { state in
            guard state.items[path] == nil else { return }
            state.items[path] = bytes
            state.order.append(path)
            state.bytes += bytes.count
            // First in, first out: cheap, and fair enough for tiles read mostly in order.
            while state.bytes > capacityBytes, state.head < state.order.count {
                let evicted = state.order[state.head]
                state.head += 1
                state.bytes -= state.items.removeValue(forKey: evicted)?.count ?? 0
            }
            if state.head > 4096 {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }
}
