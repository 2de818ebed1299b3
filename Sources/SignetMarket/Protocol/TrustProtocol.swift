import Crypto
public import Foundation
public import SignetCore

/// The trust protocol: the published, versioned rule set that every offer must satisfy.
///
/// It is served at `/v1/protocol` and identified by the SHA-256 of its RFC 8785 form, which
/// goes to the ledger whenever the protocol in force changes, so anyone can check which rules
/// judged an offer. ``evaluate(_:)`` applies every rule and names each one in its decision.
public struct TrustProtocol: Sendable, Equatable, Codable {
    /// The file format this build reads.
    public static let currentFormat = "signet-trust-protocol/1"

    /// Always ``currentFormat``.
    public var format: String
    /// Increases with every published change.
    public var version: Int
    /// One line naming the protocol.
    public var title: String
    /// The rules, in the order decisions list them.
    public var rules: [Rule]

    /// Creates a protocol.
    public init(version: Int, title: String, rules: [Rule]) {
        self.format = Self.currentFormat
        self.version = version
        self.title = title
        self.rules = rules
    }

    /// Reads and checks a rule file.
    /// - Throws: ``MarketError`` `.invalidField` naming what is wrong (format, version, empty
    ///   or duplicate rule ids, an unknown rule kind or an out-of-range parameter).
    public init(json: [UInt8]) throws {
        let decoded: TrustProtocol
        do {
            decoded = try JSONDecoder().decode(TrustProtocol.self, from: Data(json))
        } catch let error as DecodingError {
            throw MarketError(.invalidField, "the trust protocol file is not valid: \(Self.describe(error, in: json))")
        }
        guard decoded.format == Self.currentFormat else {
            throw MarketError(.invalidField, "the trust protocol file has format \(decoded.format); this build reads \(Self.currentFormat)")
        }
        guard decoded.version >= 1 else { throw MarketError(.invalidField, "the trust protocol's version must be at least 1") }
        guard !decoded.rules.isEmpty else { throw MarketError(.invalidField, "the trust protocol has no rules") }
        var seen = Set<String>()
        for rule in decoded.rules {
            guard (1...64).contains(rule.id.utf8.count), rule.id.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
                throw MarketError(.invalidField, "rule id \"\(rule.id)\" must be 1 to 64 characters of a-z, 0-9 and -")
            }
            guard seen.insert(rule.id).inserted else { throw MarketError(.invalidField, "rule id \(rule.id) appears twice") }
            guard (1...500).contains(rule.statement.count) else { throw MarketError(.invalidField, "rule \(rule.id) needs a statement of 1 to 500 characters") }
        }
        self = decoded
    }

    /// The RFC 8785 form: what is hashed, served and logged.
    public func canonicalJSON() throws -> [UInt8] {
        try CanonicalJSON.encode(JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(self)))
    }

    /// `sha256:` and the hex SHA-256 of ``canonicalJSON()``.
    public func contentID() throws -> String {
        "sha256:" + Hex.encode(Array(SHA256.hash(data: try canonicalJSON())))
    }

    /// The error's path, the line it points at in `json`, and the decoder's reason.
    private static func describe(_ error: DecodingError, in json: [UInt8]) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            let line = JSONLocation.line(of: context.codingPath, in: json).map { "line \($0), " } ?? ""
            return path.isEmpty ? context.debugDescription : "\(line)\(path): \(context.debugDescription)"
        @unknown default:
            return "unreadable"
        }
    }
}
