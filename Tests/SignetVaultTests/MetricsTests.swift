import Testing
@testable import SignetVault

struct MetricsTests {
    @Test func errorRatesFollowTheThresholdConvention() {
        let rates = ErrorRates(genuine: [0.9, 0.8, 0.7, 0.4], impostor: [0.1, 0.2, 0.5, 0.75])
        #expect(rates.fmr(at: 0.75) == 0.25)  // score ≥ threshold matches
        #expect(rates.fnmr(at: 0.75) == 0.5)  // 0.7 and 0.4 are below
        #expect(rates.fmr(at: 0.76) == 0)
        let op = rates.operatingPoint(atFMR: 0)
        #expect(op.fmr == 0)
        #expect(op.tar == 0.5)
        #expect(rates.equalErrorRate == 0.25)
    }

    @Test func perfectSeparationHasZeroEER() {
        let rates = ErrorRates(genuine: [0.8, 0.9], impostor: [0.1, 0.2, 0.3])
        #expect(rates.equalErrorRate == 0)
        #expect(rates.operatingPoint(atFMR: 1e-3).tar == 1)
    }

    @Test func dSysIsZeroForIdenticalDistributionsAndOneForSeparatedOnes() {
        var synthetic = Synthetic(seed: 4)
        let a = synthetic.vector(5_000).map(Double.init), b = synthetic.vector(5_000).map(Double.init)
        let bins = Unlinkability.recommendedBins(mated: a.count, nonMated: b.count)
        #expect(Unlinkability.dSys(mated: a, nonMated: b, bins: bins) < 0.1)
        #expect(Unlinkability.dSys(mated: a.map { $0 + 100 }, nonMated: b, bins: bins) == 1)
        let partial = Unlinkability.dSys(mated: a.map { $0 + 1.5 }, nonMated: b, bins: bins)
        #expect(partial > 0.3 && partial < 0.9)
    }

    @Test(arguments: [(128, 8, 48.38), (512, 8, 64.62), (128, 1, 8.0), (16, 16, 16.0)])
    func nominalBits(n: Int, alpha: Int, expected: Double) {
        #expect(abs(SecurityEstimate.nominalBits(dimension: n, alpha: alpha) - expected) < 0.01)
    }

    @Test func falseAcceptBitsUseTheRuleOfThreeWithoutFalseAccepts() {
        #expect(abs(SecurityEstimate.falseAcceptBits(falseAccepts: 0, attempts: 3_000) - 9.97) < 0.01)
        #expect(SecurityEstimate.falseAcceptBits(falseAccepts: 1, attempts: 1_024) == 10)
    }
}
