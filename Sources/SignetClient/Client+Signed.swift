public import Crypto
public import Foundation
public import OpenAPIRuntime
public import OpenAPIURLSession
public import SignetAPI
public import SignetCore

extension Client {
    /// The generated API client for `server`, signing every request as `keyID` and throwing
    /// ``ServerProblem`` for every refusal.
    /// - Parameters:
    ///   - keyID: the holder or party id; to register, the public key in base64url.
    ///   - transport: URLSession by default; tests pass an in-process transport.
    public static func signed(server: URL, key: Curve25519.Signing.PrivateKey, keyID: String,
                              transport: any ClientTransport = URLSessionTransport(),
                              random: any RandomBytesGenerator = SystemRandomBytes()) -> Client {
        Client(serverURL: server, transport: transport, middlewares: [
            ProblemResponseMiddleware(), RequestSigningMiddleware(key: key, keyID: keyID, random: random),
        ])
    }
}

extension Error {
    /// The error a generated client's call failed with, unwrapped from the runtime's `ClientError`.
    public var clientCause: any Error {
        (self as? ClientError)?.underlyingError ?? self
    }
}
