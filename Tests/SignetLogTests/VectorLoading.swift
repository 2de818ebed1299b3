import Foundation
import SignetLog

/// Loads a JSON vector file bundled with this test target.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        throw CocoaError(.fileNoSuchFile)
    }
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

func hash(_ base64: String) -> MerkleHash { MerkleHash(base64: base64)! }

/// Leaf `i` of the synthetic logs used across the tests: distinct, non-empty, deterministic.
func syntheticEntry(_ i: Int) -> [UInt8] { Array("entry \(i)".utf8) }
