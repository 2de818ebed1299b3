import SignetCore

/// C2SP tlog-tiles entry bundles: big-endian uint16 length-prefixed entries, back to back.
public enum EntryBundle {
    // SPEC: https://c2sp.org/tlog-tiles#log-entries

    /// Encodes entries as a bundle.
    /// - Precondition: every entry is at most ``LogLimits/maxEntrySize`` bytes (the sequencer
    ///   refuses larger ones before they are stored).
    public static func encode(_ entries: some Sequence<[UInt8]>) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            precondition(entry.count <= LogLimits.maxEntrySize)
            out.append(UInt8(entry.count >> 8))
            out.append(UInt8(entry.count & 0xff))
            out.append(contentsOf: entry)
        }
        return out
    }

    /// Decodes a bundle that must hold exactly `count` entries and nothing after them.
    /// - Throws: ``LogError`` `.verificationFailed` when the bundle is truncated, has trailing
    ///   bytes or a different number of entries.
    public static func decode(_ bytes: [UInt8], count: Int) throws -> [[UInt8]] {
        var entries: [[UInt8]] = []
        entries.reserveCapacity(count)
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else { throw LogError(.verificationFailed, "entry bundle is truncated") }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            offset += 2
            guard offset + length <= bytes.count else { throw LogError(.verificationFailed, "entry bundle is truncated") }
            entries.append(Array(bytes[offset..<offset + length]))
            offset += length
            guard entries.count <= count else {
                throw LogError(.verificationFailed, "entry bundle holds more than \(count) entries")
            }
        }
        guard entries.count == count else {
            throw LogError(.verificationFailed, "entry bundle holds \(entries.count) entries, expected \(count)")
        }
        return entries
    }
}
