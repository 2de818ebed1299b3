/// The unlinkability metrics of Gomez-Barrero et al., "General Framework to Evaluate
/// Unlinkability in Biometric Template Protection Systems", IEEE TIFS 13(6), 2018.
public enum Unlinkability {
    /// D_sys: the global linkability of a system, in [0, 1] (0 = fully unlinkable).
    ///
    /// Scores are binned into `bins` equal-width histograms over their joint range (the authors'
    /// code uses 100; with a few hundred pairs fewer bins give a less biased estimate, see
    /// ``recommendedBins(mated:nonMated:)`` and ``noiseFloor(nonMated:bins:)``). Per bin,
    /// LR = p(s | mated) / p(s | non-mated), D↔(s) = 2·ω·LR/(1 + ω·LR) − 1 where ω·LR > 1 and 0
    /// otherwise (ω = 1: equal priors), and D_sys = Σ_s p(s | mated)·D↔(s). A bin with mated mass
    /// but no non-mated mass counts as D↔ = 1.
    /// - Parameters:
    ///   - mated: Linkage scores of template pairs from the same person (separate enrollments).
    ///   - nonMated: Linkage scores of pairs from different people.
    ///   - bins: Histogram bins (default 100, as in the authors' reference code).
    /// - Returns: D_sys, or 0 when either list is empty.
    public static func dSys(mated: [Double], nonMated: [Double], bins: Int = 100) -> Double {
        guard !mated.isEmpty, !nonMated.isEmpty, bins >= 1 else { return 0 }
        let all = mated + nonMated
        let lo = all.min()!, hi = all.max()!
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        func histogram(_ s: [Double]) -> [Double] {
            var h = [Double](repeating: 0, count: bins)
            for v in s { h[min(bins - 1, max(0, Int((v - lo) / width)))] += 1 }
            return h.map { $0 / Double(s.count) }
        }
        let pm = histogram(mated), pn = histogram(nonMated)
        var d = 0.0
        for k in 0..<bins where pm[k] > 0 {
            let local: Double
            if pn[k] == 0 {
                local = 1
            } else {
                let lr = pm[k] / pn[k]
                local = lr > 1 ? 2 * lr / (1 + lr) - 1 : 0
            }
            d += pm[k] * local
        }
        return d
    }

    /// √(smaller sample count), clamped to 5...100: keeps the histogram estimate's small-sample bias low.
    /// - Parameters:
    ///   - mated: Mated score count.
    ///   - nonMated: Non-mated score count.
    /// - Returns: A bin count.
    public static func recommendedBins(mated: Int, nonMated: Int) -> Int {
        min(100, max(5, Int(Double(min(mated, nonMated)).squareRoot())))
    }

    /// D_sys between the two halves of the non-mated scores: what the estimator reports for two
    /// samples of one distribution, i.e. the value indistinguishable from "fully unlinkable".
    /// - Parameters:
    ///   - nonMated: Non-mated scores.
    ///   - bins: Bins, as used for the real estimate.
    /// - Returns: The floor.
    public static func noiseFloor(nonMated: [Double], bins: Int) -> Double {
        let half = nonMated.count / 2
        let a = stride(from: 0, to: 2 * half, by: 2).map { nonMated[$0] }
        let b = stride(from: 1, to: 2 * half, by: 2).map { nonMated[$0] }
        return dSys(mated: a, nonMated: b, bins: bins)
    }
}
