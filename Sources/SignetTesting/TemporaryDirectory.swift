import Foundation

/// Runs `body` with the path of a new, empty directory under the system's temporary directory,
/// and removes the directory afterwards, whether `body` returns or throws.
/// - Parameter prefix: names the directory (`<prefix>-<UUID>`), so a leftover says whose it was.
public func withTemporaryDirectory<T>(_ prefix: String, _ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}
