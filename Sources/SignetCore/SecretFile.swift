#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a secret file could not be created or trusted.
public typealias SecretFileError = CodedError<SecretFileErrorCode>

/// What went wrong with a secret file.
public enum SecretFileErrorCode: String, ErrorCode {
    /// The file could not be created, written, synced or linked into place.
    case io
    /// The file (or its directory) can be read by others.
    case tooPermissive = "too_permissive"
}

/// Secret files (keys, tokens): created readable by the owner only, durable, and never
/// half-written or overwritten.
///
/// A new secret is written to a private temporary file opened with `O_CREAT|O_EXCL` and mode
/// 0600, synced, then hard-linked to its name. `link(2)` refuses an existing name, so when two
/// processes create the same secret at once exactly one wins and the other reads the winner's:
/// they end up with one key (a rename would let the second silently replace the first).
public enum SecretFile {
    /// Creates `path` with `contents`; `false` when it already exists (the caller reads it).
    /// - Throws: ``SecretFileError`` `.io` on any system failure, `.tooPermissive` when the new
    ///   file's mode is not 0600 afterwards.
    public static func create(_ path: String, contents: [UInt8]) throws -> Bool {
        removeStaleTemporaries(of: path)
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: .min ... .max))"
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SecretFileError(.io, "cannot create \(temporary): \(errorText())") }
        defer { unlink(temporary) }
        var written = 0
        while written < contents.count {
            let n = contents[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                close(fd)
                throw SecretFileError(.io, "cannot write \(temporary): \(errorText())")
            }
            written += n
        }
        let synced = fsync(fd) == 0
        let closed = close(fd) == 0
        guard synced, closed else { throw SecretFileError(.io, "cannot sync \(temporary): \(errorText())") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw SecretFileError(.io, "cannot link \(path): \(errorText())")
        }
        syncDirectory(of: path)
        try requirePrivate(path)
        return true
    }

    /// Throws unless `path` exists and nobody but its owner can read or write it.
    public static func requirePrivate(_ path: String, what: String = "secret file") throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SecretFileError(.io, "cannot read \(path): \(errorText())") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw SecretFileError(.tooPermissive, "\(what) \(path) is readable by others (mode \(String(mode, radix: 8))); run chmod go-rwx on it")
        }
    }

    /// Removes the temporaries of `path` that a process killed between creating and linking
    /// one left behind (they may hold an unused secret): those whose process is gone. A live
    /// process's temporary is its own business.
    static func removeStaleTemporaries(of path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".tmp-"
        guard let stream = opendir(directory.isEmpty ? "/" : directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink((directory.isEmpty ? "" : directory) + "/" + name)
            }
        }
    }

    /// Makes the new name durable: the directory entry is synced too.
    private static func syncDirectory(of path: String) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
