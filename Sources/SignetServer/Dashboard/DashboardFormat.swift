import Foundation
import SignetMarket

/// How the dashboard writes dates, prices and durations: one spelling everywhere, in UTC, so a
/// page reads the same on every instance.
enum DashboardFormat {
    /// `2026-11-20 14:03 UTC`.
    static func time(_ date: Date) -> String {
        let (day, seconds) = dayAndSeconds(date)
        return "\(day) \(pad(seconds / 3600)):\(pad(seconds % 3600 / 60)) UTC"
    }

    /// `2026-11-20`.
    static func day(_ date: Date) -> String { dayAndSeconds(date).day }

    /// The day number since 1970 (UTC) of `date`: the key of the activity chart's bars.
    static func dayNumber(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The date of a day number.
    static func date(ofDay day: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(day) * 86_400) }

    /// Currencies whose minor unit is the unit itself (ISO 4217 exponent 0).
    private static let wholeUnitCurrencies: Set<String> = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]

    /// `EUR 2.00`: minor units with the currency's usual two decimals (none for `JPY` and the like).
    static func price(_ value: OfferTerms.Price) -> String {
        price(minorUnits: value.minorUnits, currency: value.currency)
    }

    /// `EUR 2.00` for an amount in minor units.
    static func price(minorUnits: Int64, currency: String) -> String {
        if wholeUnitCurrencies.contains(currency) { return "\(currency) \(minorUnits)" }
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        return "\(currency) \(sign)\(magnitude / 100).\(pad(Int64(magnitude % 100)))"
    }

    /// `1 day`, `30 days`.
    static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// `1 time`, `3 times`.
    static func times(_ count: Int) -> String { count == 1 ? "once" : "\(count) times" }

    private static func dayAndSeconds(_ date: Date) -> (day: String, seconds: Int64) {
        let total = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let seconds = total - days * 86_400
        // Howard Hinnant's civil-from-days algorithm (proleptic Gregorian calendar).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return ("\(y)-\(pad(m))-\(pad(d))", seconds)
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
