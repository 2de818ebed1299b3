import Foundation
public import SignetLog
import SignetCore

/// The log's signing key on disk: a signed-note private key in a 0600 file.
public enum LogKeyFile {
    /// Loads the key at `path`, or creates one named `origin` when the file does not exist.
    ///
    /// The origin is fixed when the key is created: a later start with a different explicit
    /// origin is refused, because the origin names the log and changing it would start a new one.
    /// - Parameters:
    ///   - path: the key file.
    ///   - origin: the origin to create the key for, or to require; `nil` accepts the stored one.
    ///   - defaultOrigin: the origin used when creating a key and `origin` is `nil`.
    /// - Returns: the signer and whether it was just created.
    /// - Throws: ``ServiceError`` when the file is unreadable, malformed, too permissive, or
    ///   names another origin.
    public static func loadOrCreate(path: String, origin: String?, defaultOrigin: String) throws -> (signer: NoteSigner, created: Bool) {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let attributes = try fm.attributesOfItem(atPath: path)
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw ServiceError(.configuration, "log key \(path) is readable by others (mode \(String(mode, radix: 8))); run chmod 600 on it")
            }
            let signer: NoteSigner
            do {
                signer = try NoteSigner(skey: String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw ServiceError(.configuration, "log key \(path) is not a valid signed-note private key")
            }
            if let origin, origin != signer.name {
                throw ServiceError(.configuration, "the log key in \(path) belongs to origin \(signer.name), not \(origin)")
            }
            return (signer, false)
        }
        let signer: NoteSigner
        do {
            signer = try NoteSigner(generatingFor: origin ?? defaultOrigin)
        } catch {
            throw ServiceError(.configuration, "log origin must be non-empty and contain no spaces or '+'")
        }
        try writeSecret(signer.skey + "\n", to: path)
        return (signer, true)
    }

    /// Writes a secret file with mode 0600 atomically: created private, then renamed into place.
    static func writeSecret(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ServiceError(.configuration, "cannot write \(path)")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw ServiceError(.configuration, "cannot write \(path)")
        }
    }

    /// The default origin: this host's name followed by `/log`, as C2SP recommends a schema-less URL prefix.
    public static func defaultOrigin() -> String {
        let host = ProcessInfo.processInfo.hostName
        let cleaned = host.isEmpty || host.contains(" ") || host.contains("+") ? "localhost" : host
        return cleaned + "/log"
    }
}
