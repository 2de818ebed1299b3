import Foundation
import HTTPTypes

/// A submitted embedding: `{"dimension": n, "values": [n numbers]}`, strictly checked.
struct EmbeddingBody {
    let values: [Float]

    /// The wire form, strictly decoded: only `dimension` and `values`.
    struct Wire: Decodable {
        let dimension: Int
        let values: [Double]

        init(from decoder: any Decoder) throws {
            let container = try StrictJSONKeys.container(decoder, allowed: ["dimension", "values"])
            do {
                dimension = try container.decode(Int.self, forKey: .init("dimension"))
                values = try container.decode([Double].self, forKey: .init("values"))
            } catch {
                throw Problem(.badRequest, code: "invalid_embedding", detail: "\"dimension\" must be an integer and \"values\" an array of numbers")
            }
        }
    }

    /// Parses and checks an embedding body.
    /// - Throws: ``Problem`` `invalid_json`, `unknown_field`, `invalid_embedding`, `wrong_dimension`
    ///   or `non_finite`.
    init(_ body: [UInt8], minimumDimension: Int = 16, maximumDimension: Int = 4096) throws {
        try self.init(StrictJSONKeys.decode(Wire.self, from: body), minimumDimension: minimumDimension, maximumDimension: maximumDimension)
    }

    /// Checks an already decoded embedding.
    init(_ wire: Wire, minimumDimension: Int = 16, maximumDimension: Int = 4096) throws {
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
