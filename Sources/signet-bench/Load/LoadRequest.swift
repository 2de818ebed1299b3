import Foundation
import NIOCore
import NIOHTTP1
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a load connection goes: a loopback (or other literal IP) address.
struct LoadTarget: Sendable, Hashable {
    let host: String
    let port: Int

    /// The target of an `http://IP:PORT` base URL.
    init(base: URL) throws {
        guard let host = base.host, let port = base.port else { throw URLError(.badURL) }
        self.host = host
        self.port = port
    }

    /// Its `http://` base URL, as signed requests for it must name it.
    var base: URL { URL(string: "http://\(host):\(port)")! }
}

/// One HTTP/1.1 request built ahead of time: head (with Host, Content-Length and every signed
/// field) and body, so the load loop only writes bytes.
struct LoadRequest: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?

    /// A request with `method`, `path`, header fields and body; adds Host and Content-Length.
    init(method: String, target: LoadTarget, path: String, fields: [(String, String)] = [], body: [UInt8]? = nil) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(target.host):\(target.port)")
        for (name, value) in fields { headers.add(name: name, value: value) }
        headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
        head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
        self.body = body.map { ByteBuffer(bytes: $0) }
    }

    /// The same request as a signed `URLRequest` (as ``RequestPresigner/request(_:_:body:)`` builds
    /// them); its URL must address `target`, whose authority the signature covers.
    init(_ request: URLRequest, target: LoadTarget) {
        let url = request.url!
        let path = url.path.isEmpty ? "/" : url.path + (url.query.map { "?" + $0 } ?? "")
        let fields = (request.allHTTPHeaderFields ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.init(method: request.httpMethod ?? "GET", target: target, path: path, fields: fields, body: request.httpBody.map { Array($0) })
    }
}
