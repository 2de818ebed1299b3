import SignetTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `signet serve` as an operator runs it: starts with no setup, stops cleanly on SIGTERM.
struct ServeCommandTests {
    @Test func startsOnAnEmptyDataDirectoryAndShutsDownCleanlyOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (process, announced, errors) = try await Self.serve(directory)
        #expect(announced.contains("signet: log verifier key "))
        // Port 0 names no URL a client can sign for: the server says how it checks instead.
        #expect(announced.contains("signet: no --public-url: each request's signature is checked against the URL its client addressed (Host)"))
        // Keys and the database (it holds the activity secrets) are private to the server's user.
        for name in ["log.key", "results.key", "signet.sqlite"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory.path + "/data/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
        let directoryMode = try FileManager.default.attributesOfItem(atPath: directory.path + "/data")[.posixPermissions] as? Int
        #expect(directoryMode == 0o700)
        process.terminate()  // SIGTERM
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(status == 0, "\(stderr)")
        #expect(!stderr.contains("Assertion failed"))
    }

    /// A deployment behind a proxy under a prefix: the server names the URL clients sign for.
    @Test func announcesThePublicURLClientsSignFor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (process, announced, _) = try await Self.serve(directory, "--public-url", "https://signet.example/identity")
        process.terminate()
        process.waitUntilExit()
        #expect(announced.contains("signet: clients sign requests for https://signet.example/identity"))
    }

    @Test(arguments: ["", "signet.sqlite", "log.key"])
    func refusesStateThatOthersCanRead(_ name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // A first start creates the state; then one piece is opened up to the group and others.
        _ = try runProcess(signetBinary, ["log", "append", "--data-dir", data, "--origin", "perm.test/log"], input: Data("x\n".utf8))
        try FileManager.default.setAttributes([.posixPermissions: name.isEmpty ? 0o755 : 0o644], ofItemAtPath: name.isEmpty ? data : data + "/" + name)
        let result = try runProcess(signetBinary, ["serve", "--data-dir", data, "--port", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("readable by others") && result.stderr.contains("chmod go-rwx"), "\(result.stderr)")
    }

    @Test func closesAConnectionThatStaysSilent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let process = Process()
        process.executableURL = signetBinary
        process.arguments = ["serve", "--data-dir", directory.path + "/data", "--port", "0", "--idle-timeout", "1"]
        process.standardError = FileHandle.nullDevice
        defer { process.terminate() }
        let announced = try await Self.runUntilAnnounced(process)
        let port = try #require(announced.firstMatch(of: /127\.0\.0\.1:(\d+)/).flatMap { UInt16($0.1) })
        // A client that connects and sends nothing: the server must hang up (recv returns 0)
        // long before this socket's own 15-second receive timeout (recv would return -1).
        let received: Int = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Self.silentClient(port: port, waitSeconds: 15)) }
        }
        #expect(received == 0, "the server kept a silent connection open (recv returned \(received))")
    }

    /// Starts `process` and returns its standard output up to the line announcing the verifier
    /// key (read off the cooperative pool), which `signet serve` prints once it listens.
    /// `signet serve` on a port of its choosing in `directory`, once it has announced itself:
    /// the process, what it printed, and its standard error.
    static func serve(_ directory: TemporaryDirectory, _ arguments: String...) async throws -> (Process, String, Pipe) {
        let process = Process()
        process.executableURL = signetBinary
        process.arguments = ["serve", "--data-dir", directory.path + "/data", "--port", "0"] + arguments
        let errors = Pipe()
        process.standardError = errors
        return (process, try await runUntilAnnounced(process), errors)
    }

    static func runUntilAnnounced(_ process: Process) async throws -> String {
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = ""
                // The last start-up line says which URL signatures are checked against.
                while !text.contains("signet: clients sign requests for") && !text.contains("signet: no --public-url") {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }
        }
    }

    /// Connects to 127.0.0.1:`port`, sends nothing, and returns what `recv` returns: 0 when the
    /// server closes the connection, -1 when `waitSeconds` pass first (or on error).
    static func silentClient(port: UInt16, waitSeconds: Int) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -2 }
        defer { close(fd) }
        var timeout = timeval(tv_sec: waitSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return -3 }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0)
    }
}
