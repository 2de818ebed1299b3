/// A JSON value, as needed to produce RFC 8785 canonical JSON (JCS).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number; JCS treats every number as an IEEE 754 double.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// RFC 8785 JSON Canonicalization Scheme: one byte string per JSON value, so values can be
/// hashed and signed (ledger events, commitments).
public enum CanonicalJSON {
    // SPEC: https://www.rfc-editor.org/rfc/rfc8785

    /// A value that has no canonical form.
    public struct NonFiniteNumber: Error, Sendable, Equatable {}

    /// The canonical UTF-8 bytes of `value`.
    /// - Throws: ``NonFiniteNumber`` for NaN or an infinity anywhere in `value`.
    public static func encode(_ value: JSONValue) throws -> [UInt8] {
        var out = ""
        try write(value, to: &out)
        return Array(out.utf8)
    }

    private static func write(_ value: JSONValue, to out: inout String) throws {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += try serialize(number: d)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                try write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            // §3.2.3: members sorted by the UTF-16 code units of their names.
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                try write(members[key]!, to: &out)
            }
            out += "}"
        }
    }

    /// §3.2.2.2: ECMAScript `JSON.stringify` string escaping.
    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{09}": out += "\\t"
            case "\u{0A}": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\u{0D}": out += "\\r"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// §3.2.2.3: ECMAScript `Number.prototype.toString` of a double.
    /// - Throws: ``NonFiniteNumber`` for NaN and infinities.
    public static func serialize(number d: Double) throws -> String {
        guard d.isFinite else { throw NonFiniteNumber() }
        if d == 0 { return "0" }  // also -0
        if d < 0 { return "-" + (try serialize(number: -d)) }
        // Swift's description is the shortest round-tripping decimal; take its digits and
        // exponent and lay them out the way ECMAScript does.
        let (digits, n) = shortestDigits(d)
        let k = digits.count
        if k <= n && n <= 21 {
            return digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            return String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        }
        if -6 < n && n <= 0 {
            return "0." + String(repeating: "0", count: -n) + digits
        }
        let e = n - 1
        let exponent = (e < 0 ? "e-" : "e+") + String(abs(e))
        return k == 1 ? digits + exponent : String(digits.prefix(1)) + "." + String(digits.dropFirst()) + exponent
    }

    /// The significant digits `s` and exponent `n` with `d = 0.s × 10^n`.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = d.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1)
        let integer = String(mantissa[0])
        let fraction = mantissa.count == 2 ? String(mantissa[1]) : ""
        var all = Array(integer + fraction)
        var point = integer.count
        while all.first == "0" {
            all.removeFirst()
            point -= 1
        }
        while all.last == "0" { all.removeLast() }
        return (String(all), point + exponent)
    }
}
