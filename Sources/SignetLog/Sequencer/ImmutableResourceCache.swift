import SignetCore

/// A bounded cache of full tiles and full entry bundles.
///
/// Deliberate: only full (256-wide) resources are cached, because they never change once
/// written; partial tiles grow and are always read from storage.
final class ImmutableResourceCache: Sendable {
    private let cache: BoundedCache<TilePath, [UInt8]>

    /// Creates a cache holding at most `capacityBytes` of resource bytes.
    init(capacityBytes: Int) { cache = BoundedCache(capacity: capacityBytes, cost: \.count) }

    func get(_ path: TilePath) -> [UInt8]? { cache.get(path) }

    func put(_ path: TilePath, _ bytes: [UInt8]) {
        guard path.isFull else { return }
        cache.put(path, bytes)
    }
}
