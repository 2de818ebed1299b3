@_spi(Generated) import OpenAPIRuntime

/// `#/components/schemas/Embedding` as it travels: `{"dimension": n, "values": [n numbers]}`.
///
/// It replaces the generated type (`typeOverrides` in openapi-generator-config.yaml) for one
/// reason: the generated decoder reads `values` as `[Double]` through Foundation's generic
/// array path, which looks up each element's type at run time; reading the numbers one by one
/// as `Double` takes less than half the time (18.6 µs against 40.4 µs for 128 values on the
/// bench machine), and every enrollment and probe verification pays it. The rules are the
/// generated ones: both fields required, no other field, numbers only.
public struct EmbeddingPayload: Codable, Hashable, Sendable {
    /// The dimension the client claims; checked against `values` by the server.
    public var dimension: Int32
    /// The embedding's values.
    public var values: [Double]

    /// Creates an embedding payload.
    public init(dimension: Int32, values: [Double]) {
        self.dimension = dimension
        self.values = values
    }

    public enum CodingKeys: String, CodingKey {
        case dimension
        case values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try container.decode(Int32.self, forKey: .dimension)
        var list = try container.nestedUnkeyedContainer(forKey: .values)
        var values: [Double] = []
        // The body limit bounds the count; the schema's maximum bounds the reservation.
        values.reserveCapacity(min(list.count ?? 0, 4096))
        while !list.isAtEnd {
            values.append(try list.decode(Double.self))
        }
        self.values = values
        try decoder.ensureNoAdditionalProperties(knownKeys: ["dimension", "values"])
    }
}

extension Components.Schemas.EnrollmentRequest {
    /// An enrollment or renewal body with one embedding.
    public init(_ embedding: EmbeddingPayload) {
        self.init(dimension: embedding.dimension, values: embedding.values)
    }
}
