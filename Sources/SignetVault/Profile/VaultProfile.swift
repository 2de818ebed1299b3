public import Foundation
import Crypto
import SignetCore

/// How one deployment protects one face model's embeddings: preprocessing, IronMask parameters
/// and the measurement that justified them, under a content id.
///
/// `signet vault calibrate` learns a profile from people who are not users; `signet serve
/// --vault-profile FILE` loads it. Without a profile a server enrolls nothing, because a model's
/// raw embeddings sit in a narrow cone where impostors decode to the holder's codeword.
///
/// The ``id`` is `sha256:` and the hex SHA-256 of the profile's RFC 8785 canonical JSON without
/// the `id` member. For a profile that centres, the id is also the preprocessing version, so
/// every template's preprocessing fingerprint commits to the profile it was enrolled under.
public struct VaultProfile: Sendable, Equatable {
    /// The file format this build reads and writes.
    public static let format = "signet-vault-profile/1"

    /// What is done to an embedding before it is protected.
    public enum Preprocessing: Sendable, Equatable {
        /// L2-normalise only: for embeddings that are already centred (the synthetic ones).
        case normalise
        /// Subtract this population mean, then L2-normalise.
        case centre(mean: [Float])
    }

    /// The face model's name, as the operator gave it (for example `dlib-128`).
    public let model: String
    /// The embedding dimension n.
    public let dimension: Int
    /// Preprocessing, learned from people who are not users.
    public let preprocessing: Preprocessing
    /// Non-zero codeword entries α.
    public let alpha: Int
    /// Codeword candidates tried per verification (each costs one KDF derivation).
    public let listSize: Int
    /// Cost of one KDF derivation.
    public let kdf: KDFParameters
    /// What calibration measured; `nil` for a built-in profile.
    public let calibration: VaultCalibration?
    /// `sha256:` and the hex SHA-256 of the canonical content.
    public let id: String

    /// Creates a profile and computes its id.
    /// - Throws: ``VaultError`` `invalidParameter` when a field is out of range, or when the
    ///   calibration it carries shows a false accept.
    public init(model: String, dimension: Int, preprocessing: Preprocessing, alpha: Int, listSize: Int,
                kdf: KDFParameters, calibration: VaultCalibration?) throws {
        let draft = VaultProfile(model: model, dimension: dimension, preprocessing: preprocessing, alpha: alpha,
                                 listSize: listSize, kdf: kdf, calibration: calibration, uncheckedID: "")
        try draft.validate()
        self = draft.with(id: try draft.contentID())
    }

    /// The built-in profile for the synthetic embeddings of `signet demo`, the tests and the
    /// benchmarks: normalisation only, so it is safe only for data that is already centred.
    public static func synthetic(dimension: Int = 512, alpha: Int = 16, kdf: KDFParameters = .production) throws -> VaultProfile {
        try VaultProfile(model: "synthetic", dimension: dimension, preprocessing: .normalise, alpha: alpha,
                         listSize: 1, kdf: kdf, calibration: nil)
    }

    /// The IronMask scheme this profile describes.
    public func scheme() throws -> IronMask {
        let preprocessor = switch preprocessing {
        // "identity" keeps templates enrolled before profiles existed verifiable under `synthetic`.
        case .normalise: try EmbeddingPreprocessor.identity(dimension: dimension)
        case .centre(let mean): try EmbeddingPreprocessor(mean: mean, version: id)
        }
        return try IronMask(parameters: IronMaskParameters(alpha: alpha, kdf: kdf, listSize: listSize), preprocessor: preprocessor)
    }

    /// Search bits an online guesser faces per verification: the codeword space less log2 of
    /// the candidates each verification tries.
    public var bits: Double {
        SecurityEstimate.nominalBits(dimension: dimension, alpha: alpha) - log2(Double(listSize))
    }

    private func validate() throws {
        guard (2...ProtectedTemplate.maximumDimension).contains(dimension) else {
            throw VaultError(.invalidParameter, "profile dimension must be 2...\(ProtectedTemplate.maximumDimension), got \(dimension)")
        }
        guard (1...dimension).contains(alpha) else {
            throw VaultError(.invalidParameter, "profile alpha must be 1...\(dimension), got \(alpha)")
        }
        guard (1...64).contains(listSize) else {
            throw VaultError(.invalidParameter, "profile list size must be 1...64, got \(listSize)")
        }
        guard !model.isEmpty, model.utf8.count <= 128 else {
            throw VaultError(.invalidParameter, "profile model name must be 1...128 bytes")
        }
        if case .centre(let mean) = preprocessing {
            guard mean.count == dimension else {
                throw VaultError(.invalidParameter, "profile mean has \(mean.count) values for dimension \(dimension)")
            }
            guard mean.allSatisfy(\.isFinite) else { throw VaultError(.nonFiniteValue, "profile mean contains a non-finite value") }
        }
        if let calibration {
            guard calibration.chosen.falseAccepts == 0 else {
                throw VaultError(.invalidParameter, "the profile's own calibration shows \(calibration.chosen.falseAccepts) false accepts")
            }
            guard calibration.chosen.alpha == alpha, calibration.chosen.listSize == listSize else {
                throw VaultError(.invalidParameter, "the profile's α and list size are not the ones its calibration chose")
            }
            guard bits >= calibration.minimumBits - 1e-9 else {
                throw VaultError(.invalidParameter, "the profile has \(bits) search bits, below its calibration's floor of \(calibration.minimumBits)")
            }
        }
    }

    private func with(id: String) -> VaultProfile {
        VaultProfile(model: model, dimension: dimension, preprocessing: preprocessing, alpha: alpha, listSize: listSize,
                     kdf: kdf, calibration: calibration, uncheckedID: id)
    }

    private init(model: String, dimension: Int, preprocessing: Preprocessing, alpha: Int, listSize: Int,
                 kdf: KDFParameters, calibration: VaultCalibration?, uncheckedID: String) {
        self.model = model
        self.dimension = dimension
        self.preprocessing = preprocessing
        self.alpha = alpha
        self.listSize = listSize
        self.kdf = kdf
        self.calibration = calibration
        self.id = uncheckedID
    }

    /// SHA-256 over the RFC 8785 form of everything but the id.
    private func contentID() throws -> String {
        let json = try JSONEncoder().encode(ProfileFile(self, includingID: false))
        let canonical = try CanonicalJSON.encode(JSONDecoder().decode(JSONValue.self, from: json))
        return "sha256:" + Hex.encode(Array(SHA256.hash(data: canonical)))
    }
}

extension VaultProfile {
    /// Reads a profile file and checks it: format, ranges, the content id, and that its own
    /// calibration shows no false accept.
    /// - Throws: ``VaultError`` `malformedData` for a file that is not a profile, or
    ///   `invalidParameter` for a profile that fails a check.
    public init(json: Data) throws {
        let file: ProfileFile
        do {
            file = try JSONDecoder().decode(ProfileFile.self, from: json)
        } catch {
            throw VaultError(.malformedData, "not a vault profile (expected \(Self.format) JSON)")
        }
        guard file.format == Self.format else {
            throw VaultError(.unsupportedVersion, "profile format \"\(file.format)\" is not \(Self.format)")
        }
        let preprocessing: Preprocessing = switch (file.preprocessing.kind, file.preprocessing.mean) {
        case ("normalise", nil): .normalise
        case ("centre", let mean?): .centre(mean: mean)
        default: throw VaultError(.malformedData, "preprocessing must be {\"kind\":\"normalise\"} or {\"kind\":\"centre\",\"mean\":[…]}")
        }
        let kdf = try KDFParameters(log2N: file.kdf.log2N, r: file.kdf.r, p: file.kdf.p)
        // A file is what an operator deploys: its KDF must cost an attacker something per guess
        // and must not exhaust the server's memory per verification.
        guard kdf.log2N >= 10, kdf.memoryBytes <= 1 << 30 else {
            throw VaultError(.invalidParameter, "a profile's scrypt must have N of at least 2^10 and need at most 1 GiB (\(kdf.summary))")
        }
        if case .centre = preprocessing, file.calibration == nil {
            throw VaultError(.invalidParameter, "a centring profile must carry the calibration that measured it")
        }
        let profile = try VaultProfile(
            model: file.model, dimension: file.dimension, preprocessing: preprocessing, alpha: file.alpha,
            listSize: file.listSize, kdf: kdf, calibration: file.calibration)
        guard profile.id == file.id else {
            throw VaultError(.invalidParameter, "profile content does not match its id \(file.id ?? "(none)"); it was edited or damaged")
        }
        self = profile
    }

    /// The profile as a JSON file (sorted keys, indented), with its id.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(ProfileFile(self, includingID: true))
    }
}

/// The file's shape; the profile's own fields are checked, not decoded blindly.
private struct ProfileFile: Codable {
    struct Preprocessing: Codable {
        var kind: String
        var mean: [Float]?
    }

    struct KDF: Codable {
        var log2N: UInt8
        var r: UInt32
        var p: UInt32

        enum CodingKeys: String, CodingKey {
            case log2N = "log2_n", r, p
        }
    }

    var format: String
    var id: String?
    var model: String
    var dimension: Int
    var preprocessing: Preprocessing
    var alpha: Int
    var listSize: Int
    var kdf: KDF
    var calibration: VaultCalibration?

    enum CodingKeys: String, CodingKey {
        case format, id, model, dimension, preprocessing, alpha, listSize = "list_size", kdf, calibration
    }

    init(_ profile: VaultProfile, includingID: Bool) {
        format = VaultProfile.format
        id = includingID ? profile.id : nil
        model = profile.model
        dimension = profile.dimension
        preprocessing = switch profile.preprocessing {
        case .normalise: Preprocessing(kind: "normalise", mean: nil)
        case .centre(let mean): Preprocessing(kind: "centre", mean: mean.map { $0 == 0 ? 0 : $0 })
        }
        alpha = profile.alpha
        listSize = profile.listSize
        kdf = KDF(log2N: profile.kdf.log2N, r: profile.kdf.r, p: profile.kdf.p)
        calibration = profile.calibration
    }
}
