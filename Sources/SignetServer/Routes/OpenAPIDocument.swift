import Foundation
import Hummingbird

/// Serves the OpenAPI description the server is built against (the single source of truth).
enum OpenAPIDocument {
    /// The document's bytes, read once from the module's resources.
    static let bytes: [UInt8]? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? Data(contentsOf: $0) }.map { Array($0) }

    static func response() throws -> Response {
        guard let bytes else { throw Problem(.internalServerError, code: "internal", detail: "the OpenAPI document is missing from this build") }
        return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
