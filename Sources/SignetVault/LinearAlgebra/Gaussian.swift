#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard normal samples from any random number generator (Box–Muller on 53-bit uniforms).
struct GaussianSampler<R: RandomNumberGenerator> {
    private var spare: Double?

    init() {}

    mutating func next(using rng: inout R) -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = 1 - Double.random(in: 0..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        let radius = (-2 * log(u1)).squareRoot()
        spare = radius * sin(2 * Double.pi * u2)
        return radius * cos(2 * Double.pi * u2)
    }
}
