import Synchronization

/// A thread-safe first-in-first-out cache bounded by a total cost, for values that never change
/// once written (full tiles, per-holder secrets) or that a caller removes when they may have
/// changed (public keys, re-read after a few seconds).
///
/// First in, first out: cheap, and fair enough for what it holds; a hit never reorders.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var items: [Key: (value: Value, cost: Int)] = [:]
        var order: [Key] = []
        var head = 0
        var cost = 0
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let costOf: @Sendable (Value) -> Int

    /// Creates a cache.
    /// - Parameters:
    ///   - capacity: the most total cost kept.
    ///   - cost: the cost of one value (default 1: `capacity` counts entries).
    public init(capacity: Int, cost: @escaping @Sendable (Value) -> Int = { _ in 1 }) {
        self.capacity = capacity
        self.costOf = cost
    }

    /// The cached value for `key`, if any.
    public func get(_ key: Key) -> Value? {
        state.withLock { $0.items[key]?.value }
    }

    /// How many places the eviction order holds (live keys, and removed ones not yet compacted).
    var orderedPlaces: Int { state.withLock { $0.order.count - $0.head } }

    /// Forgets the value cached under `key`, if any.
    public func remove(_ key: Key) {
        state.withLock { state in
            // Its place in the eviction order stays; evicting a key that is gone costs nothing.
            state.cost -= state.items.removeValue(forKey: key)?.cost ?? 0
        }
    }

    /// Caches `value` under `key` unless it is already cached or costs more than the capacity.
    public func put(_ key: Key, _ value: Value) {
        let cost = costOf(value)
        guard cost <= capacity else { return }
        state.withLock { state in
            guard state.items[key] == nil else { return }
            state.items[key] = (value, cost)
            state.order.append(key)
            state.cost += cost
            while state.cost > capacity, state.head < state.order.count {
                let evicted = state.order[state.head]
                state.head += 1
                state.cost -= state.items.removeValue(forKey: evicted)?.cost ?? 0
            }
            if state.head > 4096 {
                state.order.removeFirst(state.head)
                state.head = 0
            }
            // Removed keys keep their place in the order, and a key put again after a removal
            // stands in it twice: compact before those stale places outgrow the live ones.
            if state.order.count - state.head > 2 * state.items.count + 4096 {
                var seen = Set<Key>()
                state.order = state.order[state.head...].reversed().filter { state.items[$0] != nil && seen.insert($0).inserted }.reversed()
                state.head = 0
            }
        }
    }
}
