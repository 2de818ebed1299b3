import Foundation

/// The fields of an `application/x-www-form-urlencoded` body, parsed strictly: every dashboard
/// form is small and made by the dashboard's own pages, so anything unusual is refused (400)
/// rather than guessed at.
struct DashboardForm: Sendable, Equatable {
    /// The most fields a form may have.
    static let maximumFields = 16
    /// The longest a field's name or value may be, in bytes after decoding.
    static let maximumFieldLength = 512

    private let fields: [String: String]

    /// Parses `body`.
    /// - Throws: ``DashboardFailure`` 400 for too many or too long fields, a repeated name,
    ///   bad percent-encoding, text that is not UTF-8, or control characters.
    init(parsing body: [UInt8]) throws {
        var fields: [String: String] = [:]
        guard !body.isEmpty else {
            self.fields = [:]
            return
        }
        let pairs = body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false)
        guard pairs.count <= Self.maximumFields else { throw DashboardFailure.badForm("The form has too many fields.") }
        for pair in pairs {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : []) else {
                throw DashboardFailure.badForm("A form field is not valid text.")
            }
            guard name.utf8.count <= Self.maximumFieldLength, value.utf8.count <= Self.maximumFieldLength else {
                throw DashboardFailure.badForm("A form field is longer than \(Self.maximumFieldLength) bytes.")
            }
            guard fields.updateValue(value, forKey: name) == nil else {
                throw DashboardFailure.badForm("The form names a field twice.")
            }
        }
        self.fields = fields
    }

    /// The value of `name`, or `nil` when absent.
    subscript(_ name: String) -> String? { fields[name] }

    /// The value of `name`, trimmed; `nil` when absent or empty.
    func text(_ name: String) -> String? {
        let value = fields[name]?.trimmingCharacters(in: .whitespaces) ?? ""
        return value.isEmpty ? nil : value
    }

    /// The whole number in `name`, or `nil` when the field is absent or empty.
    /// - Throws: ``DashboardFailure`` 400 when it is not a whole number in `range`.
    func integer(_ name: String, label: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = text(name) else { return nil }
        guard text.utf8.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(text), range.contains(value) else {
            throw DashboardFailure.badForm("\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    /// Percent-decodes one name or value (`+` is a space); `nil` for malformed escapes,
    /// invalid UTF-8 or control characters (no dashboard field takes a line break).
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                out.append(0x20)
            case UInt8(ascii: "%"):
                guard bytes.distance(from: index, to: bytes.endIndex) >= 3,
                      let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 2
            default:
                out.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return nil
        }
        return text
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
