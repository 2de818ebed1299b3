import Foundation
import Hummingbird
import SignetCore

/// Reading bounded JSON bodies and writing canonical JSON answers.
enum RequestBody {
    /// The body as bytes, refusing other media types and anything over `limit`.
    /// - Throws: ``Problem`` `unsupported_media_type` (415) or `body_too_large` (413).
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        guard request.headers[.contentType]?.hasPrefix("application/json") == true else {
            throw Problem(.unsupportedMediaType, code: "unsupported_media_type", detail: "send the body as application/json")
        }
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw Problem(.contentTooLarge, code: "body_too_large", detail: "the body is larger than \(limit) bytes")
        }
    }

    /// A JSON response with `status`.
    static func json(_ status: HTTPResponse.Status, _ object: [String: JSONValue]) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: try CanonicalJSON.encode(.object(object)))))
    }
}
