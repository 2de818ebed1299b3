import Foundation
import SignetCore
import SignetLog

/// Where a server keeps what its last integrity check (or its own sequencing) vouched for:
/// `<data directory>/log.verified`, four lines: a format tag, the origin, the tree size and
/// the root hash in base64. A missing or unreadable file only means a full check at start.
struct VerifiedStateFile {
    static let tag = "signet-log-verified v1"
    let path: String
    let origin: String

    /// The saved state, or `nil` (no file, another log's file, or an unreadable one).
    func load() -> LogIntegrity.VerifiedState? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines[0] == Self.tag, lines[1] == origin, let size = UInt64(lines[2]),
              let bytes = Base64.decode(String(lines[3])), let root = try? MerkleHash(bytes) else { return nil }
        return LogIntegrity.VerifiedState(size: size, root: root)
    }

    /// Saves `state` atomically (temporary file, then rename); a failure costs only a full
    /// check at the next start, so it is reported, not thrown.
    func save(_ state: LogIntegrity.VerifiedState) -> Bool {
        let text = [Self.tag, origin, "\(state.size)", Base64.encode(state.root.bytes), ""].joined(separator: "\n")
        return (try? text.write(toFile: path, atomically: true, encoding: .utf8)) != nil
    }
}
