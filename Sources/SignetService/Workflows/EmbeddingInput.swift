import SignetCore

/// An embedding as a client sent it: a claimed dimension and the numbers, not yet checked.
///
/// Workflows check it after the caller's role, so a caller without the right to enroll or
/// verify learns that first, whatever the body holds.
public struct EmbeddingInput: Sendable, Equatable {
    /// The dimension the client claims.
    public var dimension: Int
    /// The values, as sent (JSON numbers are doubles).
    public var values: [Double]

    /// Creates an input.
    public init(dimension: Int, values: [Double]) {
        self.dimension = dimension
        self.values = values
    }

    /// An input of exactly these values.
    public init(_ values: [Float]) {
        self.init(dimension: values.count, values: values.map(Double.init))
    }

    /// The accepted dimensions of any deployment; the vault checks its own one.
    static let dimensions = 16...4096

    /// The embedding as 32-bit floats.
    /// - Throws: ``ServiceError`` `.invalidEmbedding` (dimension out of range), `.wrongDimension`
    ///   (`values` disagrees with `dimension`) or `.nonFinite` (a value that is no finite Float32).
    func checked() throws -> [Float] {
        guard Self.dimensions.contains(dimension) else {
            throw ServiceError(.invalidEmbedding, "\"dimension\" must be between \(Self.dimensions.lowerBound) and \(Self.dimensions.upperBound)")
        }
        guard values.count == dimension else {
            throw ServiceError(.wrongDimension, "\"values\" has \(values.count) numbers but \"dimension\" says \(dimension)")
        }
        // Doubles on the wire: a number beyond Float32's range becomes infinity here and is refused.
        let floats = values.map { Float($0) }
        guard floats.allSatisfy(\.isFinite) else {
            throw ServiceError(.nonFinite, "a value does not fit a finite 32-bit float")
        }
        return floats
    }
}
