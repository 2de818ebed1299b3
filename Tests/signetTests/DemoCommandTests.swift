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
        #expect(result.stdout.contains("Done: 15 events checked."))
        #expect(result.stdout.contains("422 protocol_refused") && result.stdout.contains("403 invalid_grant"))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
