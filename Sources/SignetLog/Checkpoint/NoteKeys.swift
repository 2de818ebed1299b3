public import Crypto
import Foundation
import SignetCore

/// The Ed25519 signature type of C2SP signed notes.
let ed25519NoteAlgorithm: UInt8 = 0x01

/// The 4-byte key ID of a signed-note key: the first bytes of `SHA-256(name || "\n" || 0x01 || key)`.
func noteKeyID(name: String, publicKey: [UInt8]) -> [UInt8] {
    // SPEC: https://c2sp.org/signed-note#signatures
    var hasher = SHA256()
    hasher.update(data: Array(name.utf8) + [0x0a, ed25519NoteAlgorithm] + publicKey)
    return Array(hasher.finalize().prefix(4))
}

/// A key name per signed-note: non-empty, no whitespace or `+`, valid UTF-8.
func isValidKeyName(_ name: String) -> Bool {
    !name.isEmpty && !name.contains("+") && !name.unicodeScalars.contains { $0.properties.isWhitespace }
}

/// Verifies Ed25519 signatures on signed notes, configured from a verifier key string.
///
/// Verifier key format (as printed by `signet log key`):
/// ```
/// <name>+<hex key ID>+<base64(0x01 || 32-byte public key)>
/// ```
public struct NoteVerifier: Sendable {
    /// The key name, which for a log is its origin.
    public let name: String
    /// The 4-byte key ID.
    public let keyID: [UInt8]
    /// The Ed25519 public key.
    public let publicKey: Curve25519.Signing.PublicKey

    /// Parses a verifier key.
    /// - Throws: ``LogError`` `.invalidKey` when the string is malformed or its key ID does not match.
    public init(vkey: String) throws {
        let parts = vkey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, isValidKeyName(String(parts[0])),
              let id = Hex.decode(String(parts[1])), id.count == 4, parts[1] == parts[1].lowercased(),
              let key = Base64.decode(parts[2]), key.count == 33, key[0] == ed25519NoteAlgorithm,
              let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key.dropFirst())
        else {
            throw LogError(.invalidKey, "verifier key must be <name>+<8 hex digits>+<base64 Ed25519 key>")
        }
        guard noteKeyID(name: String(parts[0]), publicKey: Array(key.dropFirst())) == id else {
            throw LogError(.invalidKey, "verifier key ID does not match its name and public key")
        }
        self.name = String(parts[0])
        self.keyID = id
        self.publicKey = publicKey
    }

    init(name: String, keyID: [UInt8], publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.keyID = keyID
        self.publicKey = publicKey
    }

    /// The verifier key string.
    public var vkey: String {
        let raw = [ed25519NoteAlgorithm] + Array(publicKey.rawRepresentation)
        return "\(name)+\(Hex.encode(keyID))+\(Base64.encode(raw))"
    }

    /// Checks that `note` carries a valid signature by this key.
    /// - Throws: ``LogError`` `.invalidCheckpoint` when no signature by this key verifies.
    public func verify(_ note: SignedNote) throws {
        let text = Array(note.text.utf8)
        for signature in note.signatures where signature.name == name && signature.keyID == keyID {
            if publicKey.isValidSignature(signature.signature, for: text) { return }
        }
        throw LogError(.invalidCheckpoint, "the note has no valid signature by \(name)")
    }
}

/// Signs signed notes with an Ed25519 key.
///
/// The private key file uses the signed-note private key format that Go's `note.NewSigner`
/// reads, so operators can use stock tools with it:
/// ```
/// PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>
/// ```
public struct NoteSigner: Sendable {
    /// The key name (the log origin).
    public let name: String
    /// The 4-byte key ID.
    public let keyID: [UInt8]
    private let privateKey: Curve25519.Signing.PrivateKey

    /// Creates a new random key.
    /// - Throws: ``LogError`` `.invalidKey` when `name` is not a valid key name.
    public init(generatingFor name: String) throws {
        try self.init(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Creates a signer from an existing key.
    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws {
        guard isValidKeyName(name) else {
            throw LogError(.invalidKey, "key name must be non-empty and contain no spaces or '+'")
        }
        self.name = name
        self.privateKey = privateKey
        self.keyID = noteKeyID(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// Parses a private key string.
    /// - Throws: ``LogError`` `.invalidKey` when it is malformed.
    public init(skey: String) throws {
        let trimmed = skey.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
              let seed = Base64.decode(parts[4]), seed.count == 33, seed[0] == ed25519NoteAlgorithm,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed.dropFirst())
        else {
            throw LogError(.invalidKey, "private key must be PRIVATE+KEY+<name>+<id>+<base64 seed>")
        }
        try self.init(name: String(parts[2]), privateKey: key)
        guard Hex.encode(keyID) == parts[3] else {
            throw LogError(.invalidKey, "private key ID does not match its name and key")
        }
    }

    /// The private key string. Deliberate: only ever written to a 0600 file, never logged.
    public var skey: String {
        let raw = [ed25519NoteAlgorithm] + Array(privateKey.rawRepresentation)
        return "PRIVATE+KEY+\(name)+\(Hex.encode(keyID))+\(Base64.encode(raw))"
    }

    /// The matching verifier.
    public var verifier: NoteVerifier {
        NoteVerifier(name: name, keyID: keyID, publicKey: privateKey.publicKey)
    }

    /// Signs note text and returns the complete signed note.
    /// - Parameter text: note text; must end with a newline (checkpoints always do).
    public func sign(text: String) throws -> String {
        let signature = try privateKey.signature(for: Array(text.utf8))
        return text + "\n" + "\u{2014} \(name) " + Base64.encode(keyID + Array(signature)) + "\n"
    }
}
