/// Score-based error rates (ISO/IEC 19795-1): higher scores mean "more similar"; a comparison is a
/// match when its score is at or above the threshold.
public struct ErrorRates: Sendable {
    /// Sorted genuine (mated) scores.
    public let genuine: [Double]
    /// Sorted impostor (non-mated) scores.
    public let impostor: [Double]

    /// Creates the rates from raw scores.
    /// - Parameters:
    ///   - genuine: Mated comparison scores.
    ///   - impostor: Non-mated comparison scores.
    public init(genuine: [Double], impostor: [Double]) {
        self.genuine = genuine.sorted()
        self.impostor = impostor.sorted()
    }

    /// False match rate at a threshold: impostor scores ≥ threshold.
    /// - Parameter threshold: The decision threshold.
    /// - Returns: FMR in [0, 1].
    public func fmr(at threshold: Double) -> Double {
        guard !impostor.isEmpty else { return 0 }
        return Double(impostor.count - lowerBound(impostor, threshold)) / Double(impostor.count)
    }

    /// False non-match rate at a threshold: genuine scores < threshold.
    /// - Parameter threshold: The decision threshold.
    /// - Returns: FNMR in [0, 1].
    public func fnmr(at threshold: Double) -> Double {
        guard !genuine.isEmpty else { return 0 }
        return Double(lowerBound(genuine, threshold)) / Double(genuine.count)
    }

    /// Equal error rate: the mean of FMR and FNMR where their difference is smallest over all
    /// observed score thresholds.
    public var equalErrorRate: Double {
        var best = (gap: Double.infinity, eer: 1.0)
        for t in candidateThresholds {
            let a = fmr(at: t), b = fnmr(at: t)
            if abs(a - b) < best.gap { best = (abs(a - b), (a + b) / 2) }
        }
        return best.eer
    }

    /// The lowest threshold whose FMR does not exceed `target`, with TAR (1 − FNMR) and FMR there.
    /// - Parameter target: The allowed FMR, e.g. 1e-3.
    /// - Returns: Threshold, TAR and achieved FMR.
    public func operatingPoint(atFMR target: Double) -> (threshold: Double, tar: Double, fmr: Double) {
        for t in candidateThresholds where fmr(at: t) <= target {
            return (t, 1 - fnmr(at: t), fmr(at: t))
        }
        let t = (impostor.last ?? 0).nextUp
        return (t, 1 - fnmr(at: t), fmr(at: t))
    }

    private var candidateThresholds: [Double] {
        var all = genuine + impostor
        all.append((impostor.last ?? genuine.last ?? 0).nextUp)
        all.sort()
        return all
    }

    private func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
