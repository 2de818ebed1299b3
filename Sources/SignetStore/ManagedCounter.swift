import Synchronization

/// A thread-safe round-robin counter.
final class ManagedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Returns the next value (wrapping).
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max }
}
