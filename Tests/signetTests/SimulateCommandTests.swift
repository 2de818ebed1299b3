import SignetTesting
import Foundation
import Testing

/// `signet simulate auction`: the ring is caught within seconds, the honest traffic raises no
/// alarm, and a seed gives the same figures twice (time is simulated, so these are results,
/// not timings).
struct SimulateCommandTests {
    struct Report: Decodable {
        let time_to_detection_s: Double?
        let detected_by: String?
        let holders_affected: Int
        let false_alarms: Int
        let honest_events: Int
        let ring_attempts: Int
        let ring_suspended: Int
    }

    @Test func theAuctionRingIsCaughtWithinSecondsWithoutFalseAlarms() async throws {
        let arguments = ["simulate", "auction", "--seed", "7", "--holders", "80", "--json"]
        let result = try await runProcessAsync(signetBinary, arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        let detection = try #require(report.time_to_detection_s)
        #expect(detection >= 0 && detection < 5, "detected after \(detection) s")
        #expect(report.false_alarms == 0 && report.honest_events > 1000 && report.ring_attempts > 0)
        #expect(report.ring_suspended == 5 && report.holders_affected > 0 && ["auction", "replay"].contains(report.detected_by))
        // Reproducible: the same seed, the same figures.
        let again = try await runProcessAsync(signetBinary, arguments)
        let second = try JSONDecoder().decode(Report.self, from: Data(again.stdout.utf8))
        #expect(second.time_to_detection_s == detection && second.holders_affected == report.holders_affected && second.honest_events == report.honest_events)
    }

    @Test func outOfRangeShapesAreUsageErrors() async throws {
        for arguments in [["--holders", "5"], ["--ring-size", "0"], ["--honest-parties", "1000"], ["--seed", "-1"]] {
            let result = try await runProcessAsync(signetBinary, ["simulate", "auction"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }
}
