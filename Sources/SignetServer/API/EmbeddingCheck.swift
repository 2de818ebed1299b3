import HTTPTypes
import SignetAPI

/// The checks on a submitted embedding that its schema cannot express; the generated decoder
/// has already refused unknown fields and wrong types.
enum EmbeddingCheck {
    /// The embedding as 32-bit floats.
    /// - Throws: ``Problem`` 422 `invalid_embedding` (dimension out of range), `wrong_dimension`
    ///   (`values` disagrees with `dimension`) or `non_finite` (a value that is no finite Float32).
    static func values(_ embedding: Components.Schemas.Embedding, minimumDimension: Int = 16, maximumDimension: Int = 4096) throws -> [Float] {
        let dimension = Int(embedding.dimension)
        guard (minimumDimension...maximumDimension).contains(dimension) else {
            throw Problem(.invalidEmbedding, detail: "\"dimension\" must be between \(minimumDimension) and \(maximumDimension)")
        }
        guard embedding.values.count == dimension else {
            throw Problem(.wrongDimension, detail: "\"values\" has \(embedding.values.count) numbers but \"dimension\" says \(dimension)")
        }
        // Doubles on the wire: a number beyond Float32's range becomes infinity here and is refused.
        let values = embedding.values.map { Float($0) }
        guard values.allSatisfy(\.isFinite) else {
            throw Problem(.nonFinite, detail: "a value does not fit a finite 32-bit float")
        }
        return values
    }
}
