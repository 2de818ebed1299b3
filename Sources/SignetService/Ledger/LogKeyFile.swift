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
        if !FileManager.default.fileExists(atPath: path) {
            let signer: NoteSigner
            do {
                signer = try NoteSigner(generatingFor: origin ?? defaultOrigin)
            } catch {
                throw ServiceError(.configuration, "log origin must be non-empty and contain no spaces or '+'")
            }
            // Another process starting on the same directory may win the race; then its key is read below.
            if try createSecret(signer.skey + "\n", at: path) { return (signer, true) }
        }
        try requirePrivate(path)
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

    /// Creates a secret file (``SecretFile``); `false` when it already exists.
    static func createSecret(_ text: String, at path: String) throws -> Bool {
        do {
            return try SecretFile.create(path, contents: Array(text.utf8))
        } catch let error as SecretFileError {
            throw ServiceError(.configuration, error.reason)
        }
    }

    /// Refuses a secret file that others can read.
    static func requirePrivate(_ path: String) throws {
        do {
            try SecretFile.requirePrivate(path, what: "key file")
        } catch let error as SecretFileError {
            throw ServiceError(.configuration, error.reason)
        }
    }

    /// The default origin: this host's name followed by `/log`, as C2SP recommends a schema-less URL prefix.
    public static func defaultOrigin() -> String {
        let host = ProcessInfo.processInfo.hostName
        let cleaned = host.isEmpty || host.contains(" ") || host.contains("+") ? "localhost" : host
        return cleaned + "/log"
    }
}
