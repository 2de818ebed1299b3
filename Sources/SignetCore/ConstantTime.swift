/// Comparisons whose running time does not depend on where inputs differ.
public enum ConstantTime {
    /// Compares two byte strings in time that depends only on their lengths.
    ///
    /// Deliberate: used for keys, MACs and public-key fingerprints so that a remote caller
    /// cannot learn a prefix of a secret from response timing.
    /// - Returns: `true` when both have the same length and the same bytes.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
