public import Crypto
import Foundation
import SignetCore

/// 32 random bytes in a private file of the data directory, created on first use: the watch's
/// fingerprint key (`watch.key`) or the webhook's signing secret (`webhook.secret`).
///
/// Kept out of the database on purpose: a thief who copies the database gets the honey marks
/// but not the key that gives them meaning. Every instance of one deployment needs the same file.
public enum WatchKeyFile {
    /// The key at `path`, created (mode 0600) when missing.
    /// - Throws: ``ServiceError`` `.configuration` for a malformed file, or when it is readable by others.
    public static func loadOrCreate(path: String) throws -> SymmetricKey {
        if !FileManager.default.fileExists(atPath: path) {
            let key = SymmetricKey(size: .bits256)
            let text = key.withUnsafeBytes { Base64.encode(Array($0)) } + "\n"
            if try LogKeyFile.createSecret(text, at: path) { return key }
        }
        try LogKeyFile.requirePrivate(path)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let bytes = Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw ServiceError(.configuration, "\(path) is malformed: it must hold 32 bytes in base64")
        }
        return SymmetricKey(data: bytes)
    }
}
