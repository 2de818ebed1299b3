import SignetCore

/// A resource of the C2SP tlog-tiles API: a Merkle tile or an entry bundle.
///
/// Wire format (relative to `<prefix>/tile/`):
/// ```
/// <L>/<N>[.p/<W>]          hash tile at level L (0...63)
/// entries/<N>[.p/<W>]      entry bundle
/// ```
/// `N` is written in zero-padded 3-digit groups, all but the last prefixed by `x`
/// (`1234067` → `x001/x234/067`); `W` is 1...255 and absent for full tiles.
/// Parsing is strict: any non-canonical spelling is refused, so each resource has exactly one URL.
public struct TilePath: Hashable, Sendable, CustomStringConvertible {
    // SPEC: https://c2sp.org/tlog-tiles

    /// What the path names.
    public enum Kind: Hashable, Sendable {
        /// Hashes at tree level `8 * level`.
        case hashes(level: Int)
        /// The entries themselves.
        case entries
    }

    /// Hash tile or entry bundle.
    public let kind: Kind
    /// Index of the tile within its level.
    public let index: UInt64
    /// Number of hashes or entries: 256 for a full tile, 1...255 for a partial one.
    public let width: Int

    /// Whether this is a full (immutable, 256-wide) tile.
    public var isFull: Bool { width == LogLimits.tileWidth }

    /// Whether a tree of `treeSize` leaves has this tile at this width: its last hash (or entry)
    /// exists at its level. A level-L tile holds hashes of subtrees of 256^L leaves, so the
    /// level has `treeSize >> 8L` of them. Pure arithmetic, exact for every index up to 2^64 − 1,
    /// so a server can refuse a path beyond its tree before it touches storage.
    public func isWithin(treeSize: UInt64) -> Bool {
        let (start, startOverflow) = index.multipliedReportingOverflow(by: UInt64(LogLimits.tileWidth))
        let (end, endOverflow) = start.addingReportingOverflow(UInt64(width))
        guard !startOverflow, !endOverflow else { return false }
        switch kind {
        case .entries:
            return end <= treeSize
        case .hashes(let level):
            // Shifts of 64 or more give 0 in Swift (no trap); level is at most 63 anyway.
            return end <= treeSize >> UInt64(8 * level)
        }
    }

    /// Creates a path.
    /// - Throws: ``LogError`` `.invalidTilePath` when level or width is out of range.
    public init(kind: Kind, index: UInt64, width: Int = LogLimits.tileWidth) throws {
        if case .hashes(let level) = kind, !(0...63).contains(level) {
            throw LogError(.invalidTilePath, "tile level must be between 0 and 63")
        }
        guard (1...LogLimits.tileWidth).contains(width) else {
            throw LogError(.invalidTilePath, "tile width must be between 1 and 255 for a partial tile")
        }
        self.kind = kind
        self.index = index
        self.width = width
    }

    /// Parses the part of a URL path after `tile/`.
    /// - Throws: ``LogError`` `.invalidTilePath` for anything that is not the canonical spelling.
    public init(parsing path: some StringProtocol) throws {
        var parts = String(path).split(separator: Character("/"), omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { throw LogError(.invalidTilePath, "a tile path needs a level and an index") }
        let first = parts.removeFirst()
        let kind: Kind
        if first == "entries" {
            kind = .entries
        } else {
            guard let level = Self.canonicalDecimal(first), level <= 63 else {
                throw LogError(.invalidTilePath, "tile level must be a decimal between 0 and 63 without leading zeros")
            }
            kind = .hashes(level: Int(level))
        }
        var width = LogLimits.tileWidth
        if parts.count >= 2, parts[parts.count - 2].hasSuffix(".p") {
            guard let w = Self.canonicalDecimal(parts.removeLast()), (1...255).contains(w) else {
                throw LogError(.invalidTilePath, "partial tile width must be a decimal between 1 and 255")
            }
            width = Int(w)
            parts[parts.count - 1].removeLast(2)
        }
        guard let index = Self.parseIndex(parts) else {
            throw LogError(.invalidTilePath, "tile index must be 3-digit groups, all but the last prefixed by x")
        }
        try self.init(kind: kind, index: index, width: width)
    }

    init(unchecked kind: Kind, index: UInt64, width: Int) {
        self.kind = kind
        self.index = index
        self.width = width
    }

    /// The canonical path, relative to `<prefix>/tile/`.
    public var description: String {
        let level: String
        switch kind {
        case .hashes(let l): level = String(l)
        case .entries: level = "entries"
        }
        var path = level + "/" + Self.encodeIndex(index)
        if !isFull { path += ".p/\(width)" }
        return path
    }

    /// Encodes a tile index as x-groups (`1234067` → `x001/x234/067`).
    public static func encodeIndex(_ index: UInt64) -> String {
        var groups: [String] = []
        var n = index
        repeat {
            let group = String(n % 1000)
            groups.append(String(repeating: "0", count: 3 - group.count) + group)
            n /= 1000
        } while n > 0
        return groups.reversed().enumerated()
            .map { $0.offset == groups.count - 1 ? $0.element : "x" + $0.element }
            .joined(separator: "/")
    }

    private static func parseIndex(_ groups: [String]) -> UInt64? {
        guard !groups.isEmpty, groups.count <= 7 else { return nil }
        var value: UInt64 = 0
        for (position, group) in groups.enumerated() {
            var digits = Substring(group)
            if position < groups.count - 1 {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
            }
            guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let g = UInt64(digits) else {
                return nil
            }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 1000)
            let (sum, overflow2) = scaled.addingReportingOverflow(g)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        // Deliberate: refuse leading zero groups ("x000/005") so every index has one URL.
        guard encodeIndex(value) == groups.joined(separator: "/") else { return nil }
        return value
    }

    /// A decimal with no sign, no leading zeros (except "0") and at most 19 digits.
    static func canonicalDecimal(_ text: some StringProtocol) -> UInt64? {
        guard !text.isEmpty, text.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard text == "0" || text.first != "0" else { return nil }
        return UInt64(text)
    }
}
