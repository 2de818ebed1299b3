import Crypto
import Synchronization
import Foundation
import HummingbirdTesting
import SignetAuth
import SignetCore
import SignetService
import SignetTesting
import SignetVault
import Testing

/// What a deployment gets out of a calibrated vault profile, measured through the API the way
/// an operator would: calibrate on people who are not users, enroll the users with five samples
/// each, then probe every template with its owner's remaining samples and with everyone else's.
struct FaceProfileTests {
    /// Counts of one run through the API.
    struct Tally: CustomStringConvertible {
        var genuine = 0, genuineAccepted = 0, impostor = 0, falseAccepts = 0
        var tar: Double { Double(genuineAccepted) / Double(max(genuine, 1)) }
        var description: String {
            "genuine \(genuineAccepted)/\(genuine) (TAR \(String(format: "%.1f", tar * 100))%), false accepts \(falseAccepts)/\(impostor)"
        }
    }

    /// Rates that let a measurement run thousands of verifications in seconds.
    static var unthrottled: ServiceConfiguration { ServiceConfiguration().withoutRateLimits() }

    /// Enrolls each user subject's first `enrollSamples` samples as one holder's template, then
    /// verifies every template against every sample not enrolled into it.
    static func measure(users: [EmbeddingDataset.Subject], others: [EmbeddingDataset.Subject], enrollSamples: Int,
                        vault: VaultConfiguration) async throws -> Tally {
        let total = Mutex(Tally())
        try await RegistrationRoutesTests.withAPI(configuration: unthrottled, vault: vault) { client, service in
            let shop = try await TestParty.register(client, approveWith: service)
            var enrolled: [(holder: TestHolder, template: String, subject: Int)] = []
            for (index, user) in users.enumerated() {
                let holder = try await TestHolder.register(client)
                enrolled.append((holder, try await holder.enroll(samples: Array(user.samples.prefix(enrollSamples))), index))
            }
            let everyone = users + others
            // One task per template: the ledger's group commit then batches their events.
            let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
                for (holder, template, owner) in enrolled {
                    group.addTask {
                        var tally = Tally()
                        for (index, subject) in everyone.enumerated() {
                            let probes = index == owner ? Array(subject.samples.dropFirst(enrollSamples)) : subject.samples
                            for probe in probes {
                                let token = try await holder.permit(party: shop.id, template: template)
                                let result = try await shop.verify(token: token, probe: probe)
                                let match = try await resultClaims(shop, result).match
                                if index == owner {
                                    tally.genuine += 1
                                    if match { tally.genuineAccepted += 1 }
                                } else {
                                    tally.impostor += 1
                                    if match { tally.falseAccepts += 1 }
                                }
                            }
                        }
                        return tally
                    }
                }
                return try await group.reduce(into: [Tally]()) { $0.append($1) }
            }
            total.withLock { total in
                for tally in tallies {
                    total.genuine += tally.genuine
                    total.genuineAccepted += tally.genuineAccepted
                    total.impostor += tally.impostor
                    total.falseAccepts += tally.falseAccepts
                }
            }
        }
        return total.withLock { $0 }
    }

    /// Calibrates on the first `calibrationSubjects` subjects and measures on the others.
    static func calibrateAndMeasure(_ dataset: EmbeddingDataset, calibrationSubjects: Int) async throws -> (VaultProfile, Tally) {
        let calibration = try EmbeddingDataset(subjects: Array(dataset.subjects.prefix(calibrationSubjects)))
        let calibrator = VaultCalibrator(model: "test", kdf: .insecureTesting, seed: 7)
        let profile = try calibrator.calibrate(calibration, dataSHA256: "test")
        let tally = try await measure(
            users: Array(dataset.subjects.dropFirst(calibrationSubjects)), others: calibration.subjects, enrollSamples: 5,
            vault: try VaultConfiguration(profiles: [profile]))
        return (profile, tally)
    }

    @Test func calibratedProfileSeparatesPeopleThatNormalisingAloneConfuses() async throws {
        let faces = try SyntheticFaces.dataset(subjects: 16, samples: 8, dimension: 64)
        let (profile, calibrated) = try await Self.calibrateAndMeasure(faces, calibrationSubjects: 8)
        #expect(calibrated.falseAccepts == 0, "\(calibrated)")
        #expect(calibrated.tar >= 0.95, "\(calibrated)")
        #expect(profile.bits >= 48)

        // The same people under a vault that only normalises, at the same α and list size:
        // impostors verify as the holder. This is what a server without a profile would do.
        let naive = try VaultProfile(model: "naive", dimension: 64, preprocessing: .normalise, alpha: profile.alpha,
                                     listSize: profile.listSize, kdf: .insecureTesting, calibration: nil)
        let uncentred = try await Self.measure(
            users: Array(faces.subjects.dropFirst(8)), others: Array(faces.subjects.prefix(8)), enrollSamples: 5,
            vault: try VaultConfiguration(profiles: [naive]))
        #expect(uncentred.falseAccepts > 0, "\(uncentred)")
    }

    /// The development set of a real face model (dlib, 128-d), when the shared data is present:
    /// calibrate on subjects 1–10, enroll 11–20 with five samples each, probe with everything.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: devSetPath), "needs ../shared/data/faces-dlib128-dev.csv"))
    func realFaceModelThroughTheAPI() async throws {
        let text = try String(contentsOfFile: Self.devSetPath, encoding: .utf8)
        let (profile, tally) = try await Self.calibrateAndMeasure(try EmbeddingCSV.parse(text), calibrationSubjects: 10)
        print("dlib-128 dev set through the API: profile α=\(profile.alpha) L=\(profile.listSize) bits=\(String(format: "%.1f", profile.bits)): \(tally)")
        #expect(tally.falseAccepts == 0, "\(tally)")
        #expect(tally.tar >= 0.95, "\(tally)")
    }

    static let devSetPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/faces-dlib128-dev.csv").path
}
