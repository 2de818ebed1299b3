import Foundation

/// The OpenAPI description the server is built against (the single source of truth).
enum OpenAPIDocument {
    /// The document's bytes, read once from the module's resources.
    static let bytes: [UInt8]? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? Data(contentsOf: $0) }.map { Array($0) }
}
