import Foundation
import SignetCore
import Testing
@testable import SignetLog

/// transparency-dev/merkle testdata (see Vectors/*.json for the source commit).
struct InclusionVector: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let leafIdx: UInt64
    let treeSize: UInt64
    let root: String?
    let leafHash: String?
    let proof: [String]?
    let wantErr: Bool
    var testDescription: String { name }

    static let all: [InclusionVector] = (try? loadVectors("inclusion", as: File.self).vectors) ?? []
    struct File: Decodable { let vectors: [InclusionVector] }
}

struct ConsistencyVector: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let size1: UInt64
    let size2: UInt64
    let root1: String?
    let root2: String?
    let proof: [String]?
    let wantErr: Bool
    var testDescription: String { name }

    /// Vectors whose roots are not 32 bytes but which Go accepts by comparing raw bytes; our API
    /// takes a ``MerkleHash``, so such a root cannot even be expressed (the type refuses it).
    static let notExpressible: Set<String> = ["additional/sizes-are-equal-one-and-proof-is-empty.json"]

    static let all: [ConsistencyVector] = ((try? loadVectors("consistency", as: File.self).vectors) ?? [])
        .filter { !notExpressible.contains($0.name) }
    struct File: Decodable { let vectors: [ConsistencyVector] }
}

struct ProofVectorTests {
    @Test func vectorFilesLoaded() {
        #expect(InclusionVector.all.count == 98)
        #expect(ConsistencyVector.all.count == 98 - ConsistencyVector.notExpressible.count)
        // The excluded vector really has a root that is not 32 bytes.
        #expect(Base64.decode("ZG9uJ3QgY2FyZSAy")?.count == 12)
    }

    @Test(arguments: InclusionVector.all)
    func inclusionVector(_ v: InclusionVector) {
        let accepted = Self.accepts(v.proof) { path in
            try MerkleProof.verifyInclusion(
                leafIndex: v.leafIdx, treeSize: v.treeSize, leafHash: Self.hash(v.leafHash), proof: path, root: Self.hash(v.root))
        }
        #expect(accepted == !v.wantErr)
    }

    @Test(arguments: ConsistencyVector.all)
    func consistencyVector(_ v: ConsistencyVector) {
        let accepted = Self.accepts(v.proof) { path in
            try MerkleProof.verifyConsistency(
                size1: v.size1, size2: v.size2, root1: Self.hash(v.root1), root2: Self.hash(v.root2), proof: path)
        }
        #expect(accepted == !v.wantErr)
    }

    struct NotAHash: Error {}

    /// A vector's hash; a missing one, or one that is not 32 bytes of base64, throws, which
    /// ``accepts(_:_:)`` counts as a rejection (Go rejects such vectors too).
    static func hash(_ base64: String?) throws -> MerkleHash {
        guard let hash = base64.flatMap(MerkleHash.init(base64:)) else { throw NotAHash() }
        return hash
    }

    /// Whether `verify` accepts the vector's proof. Every proof hash must decode: dropping a bad
    /// one could turn a proof that must fail into one that verifies.
    static func accepts(_ proof: [String]?, _ verify: ([MerkleHash]) throws -> Void) -> Bool {
        let strings = proof ?? []
        let path = strings.compactMap { MerkleHash(base64: $0) }
        return (try? verify(path)) != nil && path.count == strings.count
    }

    struct ReferenceTree: Decodable {
        let leafInputsHex: [String]
        let rootsHexBySize: [String]
    }

    @Test func referenceTreeRootsForEverySize() throws {
        let tree = try loadVectors("reference-tree", as: ReferenceTree.self)
        let leaves = tree.leafInputsHex.map { RFC6962.leafHash(Hex.decode($0)!) }
        for size in 0...leaves.count {
            #expect(RFC6962.rootHash(of: leaves.prefix(size)).description == tree.rootsHexBySize[size])
        }
    }
}
