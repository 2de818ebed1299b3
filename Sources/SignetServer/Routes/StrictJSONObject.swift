import Foundation
import HTTPTypes

/// A JSON request body decoded strictly: an object whose keys are all known, with string values.
///
/// Deliberate: unknown fields are refused rather than ignored, so a client that misspells a
/// field learns it at once instead of silently getting a default.
struct StrictJSONObject {
    private let members: [String: Any]

    /// Parses `body` as a JSON object with only `allowed` keys.
    /// - Throws: ``Problem`` `invalid_json` or `unknown_field` (400).
    init(_ body: [UInt8], allowed: Set<String>) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: []) as? [String: Any] else {
            throw Problem(.badRequest, code: "invalid_json", detail: "the body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem(.badRequest, code: "unknown_field", detail: "unknown field \"\(unknown)\"")
        }
        members = object
    }

    /// Whether `key` is present (with any value, `null` included).
    func contains(_ key: String) -> Bool { members[key] != nil }

    /// The required object member `key`, re-serialised for a nested strict parser.
    /// - Throws: ``Problem`` `invalid_field` (400) when missing or not an object.
    func objectBytes(_ key: String) throws -> [UInt8] {
        guard let value = members[key] as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: value) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "\"\(key)\" is required and must be an object")
        }
        return Array(data)
    }

    /// The required string member `key`.
    /// - Throws: ``Problem`` `invalid_field` (400) when missing or not a string.
    func string(_ key: String) throws -> String {
        guard let value = members[key] as? String else {
            throw Problem(.badRequest, code: "invalid_field", detail: "\"\(key)\" is required and must be a string")
        }
        return value
    }
}
