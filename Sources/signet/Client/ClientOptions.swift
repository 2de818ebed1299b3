import SignetClient
import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import JWTKit
import SignetAPI
import SignetCore
import SignetVault

/// Where the client talks to and keeps its keys; shared by `signet holder` and `signet party`.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server base URL (env SIGNET_SERVER, default http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "Directory for keys and ids (env SIGNET_HOME, default ~/.signet).")
    var home: String?

    func validate() throws {
        guard let url = URL(string: serverURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--server must be an http(s) URL")
        }
    }

    var serverURL: String {
        let text = server ?? ProcessInfo.processInfo.environment["SIGNET_SERVER"] ?? "http://127.0.0.1:8080"
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// ``serverURL`` as a URL (checked by `validate()`).
    var base: URL { URL(string: serverURL)! }

    var homeDirectory: String {
        home ?? ProcessInfo.processInfo.environment["SIGNET_HOME"] ?? (NSHomeDirectory() + "/.signet")
    }
}

/// A role's key (PKCS#8 PEM, 0600) and registered id in the client's home directory.
struct ClientIdentity {
    let role: String
    let options: ClientOptions

    var keyPath: String { options.homeDirectory + "/\(role).pem" }
    var idPath: String { options.homeDirectory + "/\(role).id" }

    /// The stored key, or a new one written with mode 0600.
    func loadOrCreateKey() throws -> Curve25519.Signing.PrivateKey {
        if FileManager.default.fileExists(atPath: keyPath) { return try loadKey() }
        try FileManager.default.createDirectory(atPath: options.homeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = Curve25519.Signing.PrivateKey()
        let pem = EdDSA.PrivateKey(backing: key).pemRepresentation
        do {
            // Another `signet` run may have created it meanwhile: then that key is the one.
            guard try SecretFile.create(keyPath, contents: Array((pem + "\n").utf8)) else { return try loadKey() }
        } catch let error as SecretFileError {
            throw ValidationError(error.reason)
        }
        return key
    }

    /// The existing key; an unreadable, too open or malformed file is an error, never replaced.
    func loadKey(at path: String? = nil) throws -> Curve25519.Signing.PrivateKey {
        let path = path ?? keyPath
        do { try SecretFile.requirePrivate(path, what: "key file") } catch let error as SecretFileError { throw ValidationError(error.reason) }
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: EdDSA.PrivateKey(pem: pem).rawRepresentation) else {
            throw ValidationError("\(path) is not a readable Ed25519 PKCS#8 PEM key")
        }
        return key
    }

    /// Writes a new key to `path` (mode 0600, never over an existing file) and returns it.
    func createKey(at path: String) throws -> Curve25519.Signing.PrivateKey {
        let key = Curve25519.Signing.PrivateKey()
        do {
            guard try SecretFile.create(path, contents: Array((EdDSA.PrivateKey(backing: key).pemRepresentation + "\n").utf8)) else {
                throw ValidationError("\(path) exists already")
            }
        } catch let error as SecretFileError {
            throw ValidationError(error.reason)
        }
        return key
    }

    /// The registered id.
    func registeredID() throws -> String {
        guard let id = try? String(contentsOfFile: idPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty else {
            throw ValidationError("no \(role) registered in \(options.homeDirectory); run `signet \(role) \(role == "holder" ? "init" : "register")` first")
        }
        return id
    }

    /// The API client signing as the registered principal.
    func client() throws -> Client {
        guard FileManager.default.fileExists(atPath: keyPath),
              let id = try? String(contentsOfFile: idPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty
        else { throw ValidationError("no \(role) registered in \(options.homeDirectory); run `signet \(role) \(role == "holder" ? "init" : "register")` first") }
        return Client.signed(server: options.base, key: try loadOrCreateKey(), keyID: id)
    }

    /// Registers this role's key (creating it if needed) with `register`, which is given a
    /// client signing with the key itself and the key in base64url; stores and returns the id.
    func register(_ register: (Client, String) async throws -> String) async throws -> String {
        let key = try loadOrCreateKey()
        let publicKey = Base64.encodeURL(key.publicKey.rawRepresentation)
        let id = try await register(Client.signed(server: options.base, key: key, keyID: publicKey), publicKey)
        try (id + "\n").write(toFile: idPath, atomically: true, encoding: .utf8)
        return id
    }
}

/// Reads an embedding file: a JSON array of numbers, or numbers separated by commas/whitespace.
func readEmbedding(_ path: String) throws -> [Double] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
    if let array = try? JSONDecoder().decode([Double].self, from: Data(text.utf8)) { return array }
    let fields = text.split { $0 == "," || $0.isWhitespace }
    let values = fields.compactMap { Double($0) }
    guard !values.isEmpty, values.count == fields.count else {
        throw ValidationError("\(path) must hold a JSON array of numbers or comma/space-separated numbers")
    }
    return values
}

/// Runs a client call and turns server problems into one line and a non-zero exit.
func runClient(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        switch error.clientCause {
        case let problem as ServerProblem:
            printError("signet: the server refused: \(problem)")
        case let error as URLError:
            printError("signet: cannot reach the server: \(error.localizedDescription)")
        case let error as DeviceKeyError:
            printError("signet: \(error)")
        default:
            throw error
        }
        throw ExitCode.failure
    }
}

/// An embedding as the API takes it.
func embeddingPayload(_ values: [Double]) -> EmbeddingPayload {
    EmbeddingPayload(dimension: Int32(clamping: values.count), values: values)
}

/// The signed API client of the holder whose key lives in `options`' home.
func holderClient(_ options: ClientOptions) throws -> Client {
    try ClientIdentity(role: "holder", options: options).client()
}

/// Prints what a template operation did, in the one form scripts parse.
func printReceipt(_ receipt: Components.Schemas.TemplateReceipt, as verb: String = "template") {
    print("\(verb) \(receipt.id) ledger_index \(receipt.ledgerIndex)")
}

/// A vault profile file, checked (content id, ranges), for a device that decodes its template.
func readVaultProfile(_ path: String) throws -> VaultProfile {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
    do { return try VaultProfile(json: data) } catch let error as VaultError { throw ValidationError("\(path): \(error.reason)") }
}

/// The samples of one person for an enrollment or renewal: `--embedding FILE`, one to ten times.
struct SampleOptions: ParsableArguments {
    @Option(name: .customLong("embedding"), help: "File with one embedding (JSON array or comma/space-separated numbers). Repeat for up to 10 samples of the same person; they are averaged.")
    var files: [String] = []

    func validate() throws {
        guard (1...10).contains(files.count) else { throw ValidationError("give 1 to 10 --embedding files, got \(files.count)") }
    }

    /// The request body: a single embedding, or the list of samples.
    func request() throws -> Components.Schemas.EnrollmentRequest {
        let samples = try files.map { embeddingPayload(try readEmbedding($0)) }
        return samples.count == 1 ? .init(samples[0]) : .init(samples: samples)
    }
}
