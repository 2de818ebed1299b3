#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Security figures of an IronMask configuration.
public enum SecurityEstimate {
    /// log2(C(n, α)·2^α): the size of the codeword space an offline attacker must search.
    /// - Parameters:
    ///   - dimension: n.
    ///   - alpha: α.
    /// - Returns: Bits.
    public static func nominalBits(dimension n: Int, alpha: Int) -> Double {
        guard alpha >= 0, alpha <= n else { return 0 }
        return (lgamma(Double(n + 1)) - lgamma(Double(alpha + 1)) - lgamma(Double(n - alpha + 1))) / log(2) + Double(alpha)
    }

    /// −log2(FAR) for an observed false-accept count; with zero observed false accepts the bound
    /// uses the rule of three (FAR ≤ 3/attempts at 95% confidence).
    /// - Parameters:
    ///   - falseAccepts: Observed false accepts.
    ///   - attempts: Impostor attempts.
    /// - Returns: Bits, or 0 without attempts.
    public static func falseAcceptBits(falseAccepts: Int, attempts: Int) -> Double {
        guard attempts > 0 else { return 0 }
        let far = falseAccepts == 0 ? 3 / Double(attempts) : Double(falseAccepts) / Double(attempts)
        return -log2(far) + 0  // + 0 turns −0.0 (FAR = 1) into 0.0
    }
}
