import SignetTesting
import Foundation
import Testing

struct DemoCommandTests {
    @Test func demoTellsTheWholeStoryAndExitsZero() async throws {
        let result = try await runProcessAsync(signetBinary, ["demo"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Answer: MATCH"))
        #expect(result.stdout.contains("Answer: no match"))
        #expect(result.stdout.contains("signed the shop's challenge"))
        #expect(result.stdout.contains("Done: 7 events checked."))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
