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

    /// The required string member `key`.
    /// - Throws: ``Problem`` `invalid_field` (400) when missing or not a string.
    func string(_ key: String) throws -> String {
        guard let value = members[key] as? String else {
            throw Problem(.badRequest, code: "invalid_field", detail: "\"\(key)\" is required and must be a string")
        }
        return value
    }
}

/// Strict key checking inside `Decodable` initialisers, for hot routes: one `JSONDecoder` pass,
/// no `JSONSerialization` object graph, no re-serialisation of nested objects.
enum StrictJSONKeys {
    /// A key of any name.
    struct AnyKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// The object's container, after checking that every key is in `allowed`.
    /// - Throws: ``Problem`` `invalid_json` (not an object) or `unknown_field` (400).
    static func container(_ decoder: any Decoder, allowed: Set<String>) throws -> KeyedDecodingContainer<AnyKey> {
        let container: KeyedDecodingContainer<AnyKey>
        do {
            container = try decoder.container(keyedBy: AnyKey.self)
        } catch {
            throw Problem(.badRequest, code: "invalid_json", detail: "the body must be a JSON object")
        }
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw Problem(.badRequest, code: "unknown_field", detail: "unknown field \"\(unknown)\"")
        }
        return container
    }

    /// Decodes `T` from `body`, turning malformed JSON into ``Problem`` `invalid_json` and
    /// passing the ``Problem``s that `T`'s initialiser throws through unchanged.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(.badRequest, code: "invalid_json", detail: "the body must be a JSON object")
        }
    }
}
