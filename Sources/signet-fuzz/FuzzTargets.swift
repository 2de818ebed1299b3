import Foundation
import HTTPTypes
import SignetAPI
import SignetAuth
import SignetLog
import SignetVault

/// The parsers that read bytes an unauthenticated or hostile client controls. Each target must
/// refuse bad input with an error and never trap; libFuzzer (or a replay of the corpus) calls
/// ``FuzzTarget/run(_:)`` with arbitrary bytes.
enum FuzzTarget: UInt8, CaseIterable {
    /// A tile path after `/log/tile/`, then the bounds check against a tree.
    case tilePath = 0
    /// `Signature-Input` and `Signature` field values (split at the first newline).
    case signatureInput = 1
    /// An enrollment body: the generated decoder with Signet's embedding payload.
    case embedding = 2
    /// A stored protected template.
    case template = 3

    /// Picks the target from the first byte and feeds it the rest.
    static func dispatch(_ data: [UInt8]) {
        guard let first = data.first else { return }
        (FuzzTarget(rawValue: first % UInt8(allCases.count)) ?? .tilePath).run(Array(data.dropFirst()))
    }

    /// Feeds `bytes` to this target's parser. Errors are the expected outcome; only a trap or
    /// a sanitizer report is a finding.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .tilePath:
            let text = String(decoding: bytes, as: UTF8.self)
            if let path = try? TilePath(parsing: text) {
                for size: UInt64 in [0, 1, 255, 256, 65_537, UInt64(Int64.max), .max] { _ = path.isWithin(treeSize: size) }
                _ = path.description
            }
        case .signatureInput:
            let text = String(decoding: bytes, as: UTF8.self)
            let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            var fields = HTTPFields()
            if let input = HTTPField.Name("Signature-Input"), let value = parts.first { fields[input] = String(value) }
            if let signature = HTTPField.Name("Signature"), parts.count > 1 { fields[signature] = String(parts[1]) }
            let request = HTTPRequest(method: .post, scheme: "https", authority: "signet.example", path: "/v1/templates", headerFields: fields)
            _ = try? HTTPMessageVerifier.checkStructure(of: request, carriesBody: true)
        case .embedding:
            _ = try? JSONDecoder().decode(Components.Schemas.EnrollmentRequest.self, from: Data(bytes))
            _ = try? JSONDecoder().decode(EmbeddingPayload.self, from: Data(bytes))
        case .template:
            _ = try? ProtectedTemplate(serializedBytes: bytes)
        }
    }
}
