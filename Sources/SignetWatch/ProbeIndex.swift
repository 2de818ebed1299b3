public import Foundation

/// Remembered probe fingerprints, searchable for near copies.
///
/// Banded lookup: a fingerprint is cut into 16-bit bands, and each band indexes the entries
/// that share it exactly. Two fingerprints within `d` bits of each other differ in at most `d`
/// bands, so with more bands than `d` at least one band is shared and the search finds every
/// near copy while it compares only a handful of candidates.
///
/// Bounded: two generations of `capacity / 2` entries; when the newer fills, the older is
/// dropped whole.
public struct ProbeIndex: Sendable {
    /// One remembered probe.
    public struct Entry: Sendable, Equatable {
        /// Its fingerprint.
        public let fingerprint: [UInt8]
        /// The party that sent it.
        public let party: String
        /// The holder it was tried on, when known.
        public let subject: String?
        /// When.
        public let time: Date

        /// Creates an entry.
        public init(fingerprint: [UInt8], party: String, subject: String?, time: Date) {
            self.fingerprint = fingerprint
            self.party = party
            self.subject = subject
            self.time = time
        }
    }

    private struct Generation {
        var entries: [Entry] = []
        var bands: [[UInt16: [Int32]]]

        init(bandCount: Int) { bands = Array(repeating: [:], count: bandCount) }
    }

    private let capacity: Int
    private var newer: Generation
    private var older: Generation

    /// Creates an empty index of at most `capacity` entries.
    public init(capacity: Int) {
        self.capacity = max(2, capacity)
        newer = Generation(bandCount: ProbeFingerprinter.bits / 16)
        older = newer
    }

    /// Entries remembered.
    public var count: Int { newer.entries.count + older.entries.count }

    /// The remembered entry nearest to `fingerprint` within `distance` bits, if any.
    public func nearest(_ fingerprint: [UInt8], within distance: Int) -> (entry: Entry, distance: Int)? {
        var best: (entry: Entry, distance: Int)?
        let keys = Self.bandKeys(fingerprint)
        for generation in [newer, older] {
            var seen = Set<Int32>()
            for (band, key) in keys.enumerated() {
                for position in generation.bands[band][key] ?? [] where seen.insert(position).inserted {
                    let entry = generation.entries[Int(position)]
                    let d = ProbeFingerprinter.distance(entry.fingerprint, fingerprint)
                    if d <= distance, d < (best?.distance ?? .max) { best = (entry, d) }
                }
            }
        }
        return best
    }

    /// Remembers an entry.
    public mutating func insert(_ entry: Entry) {
        if newer.entries.count >= capacity / 2 {
            older = newer
            newer = Generation(bandCount: ProbeFingerprinter.bits / 16)
        }
        let position = Int32(newer.entries.count)
        newer.entries.append(entry)
        for (band, key) in Self.bandKeys(entry.fingerprint).enumerated() {
            newer.bands[band][key, default: []].append(position)
        }
    }

    private static func bandKeys(_ fingerprint: [UInt8]) -> [UInt16] {
        stride(from: 0, to: fingerprint.count - 1, by: 2).map { UInt16(fingerprint[$0]) << 8 | UInt16(fingerprint[$0 + 1]) }
    }
}
