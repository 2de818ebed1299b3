/// Which tiles exist for a tree of a given size (C2SP tlog-tiles §Merkle Tree).
public enum TileMath {
    /// The width of the tile with `index` at `level` in a tree of `size` leaves: 256 when full,
    /// 1...255 when it is the rightmost partial tile, `nil` when the tile does not exist.
    public static func width(level: Int, index: UInt64, treeSize size: UInt64) -> Int? {
        let shift = UInt64(8 * level)
        guard shift < 64 else { return nil }
        let hashesAtLevel = size >> shift
        let fullTiles = hashesAtLevel >> 8
        if index < fullTiles { return LogLimits.tileWidth }
        if index == fullTiles, hashesAtLevel & 0xff != 0 { return Int(hashesAtLevel & 0xff) }
        return nil
    }

    /// The number of tile levels that hold at least one hash for a tree of `size` leaves.
    public static func levels(treeSize size: UInt64) -> Int {
        var levels = 0
        var n = size
        while n > 0 {
            levels += 1
            n >>= 8
        }
        return levels
    }

    /// Every tile path that a tree of `size` leaves is served as, level 0 first.
    public static func tiles(treeSize size: UInt64) -> [TilePath] {
        var paths: [TilePath] = []
        for level in 0..<levels(treeSize: size) {
            let hashes = size >> UInt64(8 * level)
            for index in 0...(hashes >> 8) {
                guard let width = width(level: level, index: index, treeSize: size) else { continue }
                paths.append(TilePath(unchecked: .hashes(level: level), index: index, width: width))
            }
        }
        return paths
    }
}
