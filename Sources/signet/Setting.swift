import ArgumentParser
import Foundation

/// A number an operator sets by flag or, failing that, by environment variable. Both go through
/// the same parse and range check, so `SIGNET_LOG_MAX_DELAY_MS=inf` is refused exactly as
/// `--max-batch-delay-ms inf` is, instead of trapping later in a conversion.
struct Setting<Value: Comparable & LosslessStringConvertible & Sendable>: Sendable {
    /// The flag, as the operator types it (`--port`).
    let flag: String
    /// The environment variable (`SIGNET_PORT`).
    let variable: String
    /// Allowed values, inclusive.
    let range: ClosedRange<Value>
    /// Used when neither is given.
    let defaultValue: Value

    /// The flag's value, else the environment's, else the default; refused when out of range.
    func resolve(_ flagValue: Value?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Value {
        let value: Value
        let source: String
        if let flagValue {
            (value, source) = (flagValue, flag)
        } else if let text = environment[variable] {
            guard let parsed = Value(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(variable) must be a number between \(range.lowerBound) and \(range.upperBound), got \"\(text)\"")
            }
            (value, source) = (parsed, variable)
        } else {
            return defaultValue
        }
        guard range.contains(value) else {
            throw ValidationError("\(source) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }
}

extension Setting where Value == Double {
    /// A range check that NaN cannot slip through (NaN compares false with everything).
    func resolveFinite(_ flagValue: Double?) throws -> Double {
        let value = try resolve(flagValue)
        guard value.isFinite else { throw ValidationError("\(flag) (or \(variable)) must be a finite number") }
        return value
    }
}
