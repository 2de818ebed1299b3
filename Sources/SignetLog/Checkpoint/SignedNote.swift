import Foundation

import SignetCore

/// A parsed, not yet verified C2SP signed note: text plus signature lines.
///
/// Wire format:
/// ```
/// <text lines, each ending in \n>
/// <blank line>
/// — <key name> <base64(4-byte key ID || signature)>
/// ```
public struct SignedNote: Sendable, Equatable {
    // SPEC: https://c2sp.org/signed-note

    /// One signature line.
    public struct Signature: Sendable, Equatable {
        /// The signer's key name.
        public let name: String
        /// The 4-byte key ID.
        public let keyID: [UInt8]
        /// The signature bytes after the key ID.
        public let signature: [UInt8]
    }

    /// The signed text, ending in a newline.
    public let text: String
    /// All signature lines, including ones from keys the reader does not know.
    public let signatures: [Signature]

    /// The largest note accepted, in bytes; checkpoints are a few hundred.
    public static let maxSize = 1 << 16

    /// Parses a signed note strictly.
    /// - Throws: ``LogError`` `.invalidCheckpoint` when the note is malformed.
    public init(parsing note: String) throws {
        let bytes = Array(note.utf8)
        guard bytes.count <= Self.maxSize else { throw LogError(.invalidCheckpoint, "note is larger than 64 KiB") }
        guard note.unicodeScalars.allSatisfy({ $0 == "\n" || !$0.properties.generalCategory.isControl }) else {
            throw LogError(.invalidCheckpoint, "note contains control characters")
        }
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw LogError(.invalidCheckpoint, "note has no blank line before its signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        guard !text.contains("\n\n"), text != "\n" else {
            throw LogError(.invalidCheckpoint, "note text must be non-empty and contain no blank lines")
        }
        let block = note[split.upperBound...]
        guard block.hasSuffix("\n") else { throw LogError(.invalidCheckpoint, "signature lines must end in a newline") }
        var signatures: [Signature] = []
        for line in block.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("\u{2014} ") else {
                throw LogError(.invalidCheckpoint, "signature line must start with an em dash and a space")
            }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, isValidKeyName(String(fields[0])),
                  let raw = Base64.decode(fields[1]), raw.count > 4
            else { throw LogError(.invalidCheckpoint, "malformed signature line") }
            signatures.append(Signature(name: String(fields[0]), keyID: Array(raw.prefix(4)), signature: Array(raw.dropFirst(4))))
        }
        guard !signatures.isEmpty, signatures.count <= 100 else {
            throw LogError(.invalidCheckpoint, "a note needs between 1 and 100 signatures")
        }
        self.text = text
        self.signatures = signatures
    }
}

extension Unicode.GeneralCategory {
    var isControl: Bool { self == .control }
}
