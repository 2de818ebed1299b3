import Foundation
import HTTPTypes

/// A submitted embedding: `{"dimension": n, "values": [n numbers]}`, strictly checked.
struct EmbeddingBody {
    let values: [Float]

    private struct Wire: Decodable {
        let dimension: Int
        let values: [Double]
    }

    /// Parses and checks an embedding body.
    /// - Throws: ``Problem`` `invalid_json`, `unknown_field`, `invalid_embedding`, `wrong_dimension`
    ///   or `non_finite`.
    init(_ body: [UInt8], minimumDimension: Int = 16, maximumDimension: Int = 4096) throws {
        _ = try StrictJSONObject(body, allowed: ["dimension", "values"])
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body))
        } catch {
            throw Problem(.badRequest, code: "invalid_embedding", detail: "\"dimension\" must be an integer and \"values\" an array of numbers")
        }
        guard (minimumDimension...maximumDimension).contains(wire.dimension) else {
            throw Problem(.unprocessableContent, code: "invalid_embedding", detail: "\"dimension\" must be between \(minimumDimension) and \(maximumDimension)")
        }
        guard wire.values.count == wire.dimension else {
            throw Problem(.unprocessableContent, code: "wrong_dimension", detail: "\"values\" has \(wire.values.count) numbers but \"dimension\" says \(wire.dimension)")
        }
        let values = wire.values.map { Float($0) }
        guard values.allSatisfy(\.isFinite) else {
            throw Problem(.unprocessableContent, code: "non_finite", detail: "a value does not fit a finite 32-bit float")
        }
        self.values = values
    }
}
