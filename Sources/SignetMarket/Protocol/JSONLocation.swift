/// Where a value sits in a JSON text: the line of the value a coding path names, so a rule
/// file's error can say "line 12" and not only "rules[3].check".
///
/// A small recursive reader over well-formed JSON (the decoder has read it already; errors it
/// meets only end the search). Strings are skipped with their escapes; numbers and literals as
/// runs of their characters.
enum JSONLocation {
    /// The 1-based line where the value at `path` starts, or the deepest part of it found.
    static func line(of path: [any CodingKey], in text: [UInt8]) -> Int? {
        var reader = Reader(bytes: text)
        reader.skipWhitespace()
        var line: Int?
        for key in path {
            reader.skipWhitespace()
            guard reader.position < text.count else { break }
            if let index = key.intValue, text[reader.position] == UInt8(ascii: "[") {
                guard reader.enterArrayElement(index) else { break }
            } else if text[reader.position] == UInt8(ascii: "{") {
                guard reader.enterObjectMember(key.stringValue) else { break }
            } else {
                break
            }
            line = reader.line
        }
        return line ?? (path.isEmpty ? nil : reader.line)
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0
        var line = 1

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
                if bytes[position] == 0x0A { line += 1 }
                position += 1
            }
        }

        /// Moves to the value of member `name` of the object here.
        mutating func enterObjectMember(_ name: String) -> Bool {
            position += 1  // {
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return false }
                let key = readString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
                position += 1
                skipWhitespace()
                if key == name { return true }
                guard skipValue() else { return false }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ",") else { return false }
                position += 1
            }
        }

        /// Moves to element `index` of the array here.
        mutating func enterArrayElement(_ index: Int) -> Bool {
            position += 1  // [
            for _ in 0..<index {
                skipWhitespace()
                guard skipValue() else { return false }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ",") else { return false }
                position += 1
            }
            skipWhitespace()
            return position < bytes.count && bytes[position] != UInt8(ascii: "]")
        }

        /// Reads a string at `position` (on its opening quote) and returns it, escapes kept raw.
        mutating func readString() -> String {
            position += 1
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                if bytes[position] == UInt8(ascii: "\\") { position += 1 }
                position += 1
            }
            let text = String(decoding: bytes[start..<min(position, bytes.count)], as: UTF8.self)
            position += 1
            return text
        }

        /// Skips the value at `position`.
        mutating func skipValue() -> Bool {
            guard position < bytes.count else { return false }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                _ = readString()
                return true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close: UInt8 = bytes[position] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == close {
                    position += 1
                    return true
                }
                while true {
                    skipWhitespace()
                    if close == UInt8(ascii: "}") {
                        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return false }
                        _ = readString()
                        skipWhitespace()
                        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
                        position += 1
                        skipWhitespace()
                    }
                    guard skipValue() else { return false }
                    skipWhitespace()
                    guard position < bytes.count else { return false }
                    if bytes[position] == close {
                        position += 1
                        return true
                    }
                    guard bytes[position] == UInt8(ascii: ",") else { return false }
                    position += 1
                }
            default:
                while position < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
                return true
            }
        }
    }
}
