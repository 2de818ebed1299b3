import Foundation
import SignetCore
@testable import SignetVault
import Testing

struct VaultProfileTests {
    /// The cheapest KDF a profile file may carry.
    static let fileKDF = try! KDFParameters(log2N: 10, r: 1, p: 1)

    static func centred(dimension: Int = 32, alpha: Int = 8, listSize: Int = 2,
                        calibration: VaultCalibration? = VaultProfileTests.calibration(falseAccepts: 0)) throws -> VaultProfile {
        try VaultProfile(model: "test-model", dimension: dimension, preprocessing: .centre(mean: (0..<dimension).map { Float($0) / 100 }),
                         alpha: alpha, listSize: listSize, kdf: fileKDF, calibration: calibration)
    }

    /// A calibration that chose α = 8, L = 2 at n = 32 (30.2 bits) against a floor of 30.
    static func calibration(falseAccepts: Int, alpha: Int = 8) -> VaultCalibration {
        let chosen = VaultCalibration.Candidate(alpha: alpha, listSize: 2, tar: 0.97, falseAccepts: falseAccepts, bits: 30.2)
        return VaultCalibration(dataSHA256: "00", trainingSubjects: 5, measuredSubjects: 5, enrollSamples: 5, genuineAttempts: 25,
                                impostorAttempts: 200, minimumBits: 30, chosen: chosen, candidates: [chosen])
    }

    @Test func profileRoundTripsThroughItsFileWithTheSameContentID() throws {
        let profile = try Self.centred()
        #expect(profile.id.hasPrefix("sha256:") && profile.id.count == 7 + 64)
        let read = try VaultProfile(json: try profile.jsonData())
        #expect(read == profile)
        // The id is a function of the content: another mean is another profile.
        let other = try VaultProfile(model: "test-model", dimension: 32, preprocessing: .centre(mean: [Float](repeating: 0.5, count: 32)),
                                     alpha: 8, listSize: 2, kdf: Self.fileKDF, calibration: Self.calibration(falseAccepts: 0))
        #expect(other.id != profile.id)
    }

    @Test func editedProfileIsRefused() throws {
        let profile = try Self.centred()
        var object = try #require(try JSONSerialization.jsonObject(with: try profile.jsonData()) as? [String: Any])
        object["alpha"] = 4
        let edited = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: VaultError(.invalidParameter, "")) { try VaultProfile(json: edited) }
    }

    @Test(arguments: [
        ("{}", VaultErrorCode.malformedData),
        ("[1,2]", .malformedData),
        ("not json", .malformedData),
    ])
    func malformedFilesAreRefused(text: String, code: VaultErrorCode) {
        #expect(throws: VaultError(code, "")) { try VaultProfile(json: Data(text.utf8)) }
    }

    @Test func unknownFormatAndOutOfRangeFieldsAreRefused() throws {
        let valid = try #require(try JSONSerialization.jsonObject(with: try Self.centred().jsonData()) as? [String: Any])
        func refusal(_ change: (inout [String: Any]) -> Void) -> VaultErrorCode? {
            var object = valid
            change(&object)
            do {
                _ = try VaultProfile(json: try JSONSerialization.data(withJSONObject: object))
                return nil
            } catch let error as VaultError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(refusal { $0["format"] = "signet-vault-profile/2" } == .unsupportedVersion)
        #expect(refusal { $0["kdf"] = ["log2_n": 200, "r": 8, "p": 1] } != nil)
        #expect(refusal { $0["kdf"] = ["log2_n": 40, "r": 8, "p": 1] } == .invalidParameter)
        #expect(refusal { $0["list_size"] = 65 } == .invalidParameter)
        #expect(refusal { $0["dimension"] = 9_000_000_000_000 } == .invalidParameter)
        #expect(refusal { $0["preprocessing"] = ["kind": "centre", "mean": [1, 2]] } == .invalidParameter)
        #expect(refusal { $0["preprocessing"] = ["kind": "whiten"] } == .malformedData)
        #expect(refusal { $0["kdf"] = ["log2_n": 4, "r": 1, "p": 1] } == .invalidParameter)  // too cheap per guess
        #expect(refusal { $0["kdf"] = ["log2_n": 20, "r": 1024, "p": 1] } == .invalidParameter)  // 128 GiB per verification
        #expect(refusal { $0.removeValue(forKey: "calibration") } == .invalidParameter)  // a mean nobody measured
    }

    @Test func aProfileMustUseWhatItsCalibrationChose() {
        #expect(throws: VaultError(.invalidParameter, "")) { try Self.centred(alpha: 9) }
        #expect(throws: VaultError(.invalidParameter, "")) { try Self.centred(calibration: Self.calibration(falseAccepts: 0, alpha: 9)) }
        // Below its own floor: n = 16 gives α = 8, L = 2 only 20.7 bits.
        #expect(throws: VaultError(.invalidParameter, "")) { try Self.centred(dimension: 16) }
    }

    @Test func twoProfilesThatPrepareAlikeCannotBothBeLoaded() throws {
        let a = try VaultProfile.synthetic(dimension: 32, alpha: 4, kdf: .insecureTesting)
        let b = try VaultProfile.synthetic(dimension: 32, alpha: 6, kdf: .insecureTesting)
        #expect(throws: VaultError(.invalidParameter, "")) { try VaultConfiguration(profiles: [a, b]) }
        _ = try VaultConfiguration(profiles: [a, try VaultProfile.synthetic(dimension: 64, alpha: 4, kdf: .insecureTesting)])
    }

    @Test func aProfileWhoseOwnCalibrationShowsAFalseAcceptCannotExist() throws {
        #expect(throws: VaultError(.invalidParameter, "")) { try Self.centred(calibration: Self.calibration(falseAccepts: 1)) }
    }

    @Test func templatesFindTheProfileTheyWereEnrolledUnder() throws {
        let old = try VaultProfile.synthetic(dimension: 32, alpha: 4, kdf: .insecureTesting)
        let new = try Self.centred()
        var random = DeterministicGenerator(seed: 3)
        let face = (0..<32).map { _ in Float.random(in: -1...1, using: &random) }
        let oldTemplate = try old.scheme().enroll(samples: [face], using: &random)
        let newTemplate = try new.scheme().enroll(samples: [face], using: &random)

        let migrating = try VaultConfiguration(profiles: [new, old])
        #expect(migrating.enrollment?.preprocessor == (try new.scheme()).preprocessor)
        #expect(migrating.scheme(for: oldTemplate)?.preprocessor == (try old.scheme()).preprocessor)
        #expect(migrating.scheme(for: newTemplate)?.preprocessor == (try new.scheme()).preprocessor)

        let newOnly = try VaultConfiguration(profiles: [new])
        #expect(newOnly.scheme(for: oldTemplate) == nil)
        #expect(VaultConfiguration.uncalibrated.enrollment == nil)
    }

    @Test func calibrationChoosesZeroFalseAcceptsAtTheBitFloor() throws {
        let faces = try SyntheticFaces.dataset(subjects: 10, samples: 8, dimension: 64)
        let profile = try VaultCalibrator(model: "synthetic-cone", kdf: .insecureTesting, seed: 1).calibrate(faces, dataSHA256: "ab")
        let calibration = try #require(profile.calibration)
        #expect(calibration.chosen.falseAccepts == 0)
        #expect(calibration.chosen.bits >= 48)
        #expect(profile.bits == calibration.chosen.bits)
        #expect(calibration.trainingSubjects == 5 && calibration.measuredSubjects == 5)
        // Nothing eligible scored better than what was chosen.
        let eligible = calibration.candidates.filter { $0.falseAccepts == 0 && $0.bits >= 48 }
        #expect(eligible.allSatisfy { $0.tar <= calibration.chosen.tar })
        guard case .centre(let mean) = profile.preprocessing else {
            Issue.record("a calibrated profile centres")
            return
        }
        #expect(mean.count == 64)
    }

    @Test func calibrationRefusesWhenNothingReachesTheBitFloor() throws {
        let faces = try SyntheticFaces.dataset(subjects: 6, samples: 4, dimension: 16)
        #expect(throws: VaultError(.invalidParameter, "")) {
            try VaultCalibrator(model: "tiny", minimumBits: 200, kdf: .insecureTesting, seed: 1).calibrate(faces, dataSHA256: "ab")
        }
    }

    @Test func listSizeLowersTheKDFCostSoAVerificationCostsAboutOneProductionDerivation() throws {
        #expect(try VaultCalibrator.kdf(forListSize: 1).log2N == 15)
        #expect(try VaultCalibrator.kdf(forListSize: 4).log2N == 13)
        #expect(try VaultCalibrator.kdf(forListSize: 32).log2N == 10)
    }
}
