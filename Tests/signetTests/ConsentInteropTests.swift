import Foundation
import SignetTesting
import Testing

/// `signet demo --out DIR` writes the market's artefacts; tools Signet did not write check them:
/// Go's sumdb tlog package the receipt's ledger proof, and (in the venv `.ci/run` makes, named by
/// `SIGNET_TEST_PYTHON`) sd-jwt, joserfc, zlib and jsonschema the tokens, status list and receipt.
struct ConsentInteropTests {
    static let interop = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Interop")
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/schemas/consent-receipt.schema.json")

    @Test func independentVerifiersAcceptTheDemosArtefactsAndRefuseTamperedOnes() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("signet-demo-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let demo = try await runProcessAsync(signetBinary, ["demo", "--out", out])
        #expect(demo.status == 0, "\(demo.stderr)")
        for name in ["grant.sd-jwt", "grant.kb-nonce", "grant.kb-aud", "issuer-jwks.json", "revoked-grant.sd-jwt", "status-list.jwt",
                     "receipt.json", "receipt-proof.txt", "entry.bin", "log-vkey.txt", "protocol.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name) missing")
        }
        let vkey = try String(contentsOfFile: out + "/log-vkey.txt", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        if let go = StockVerifierInteropTests.verifier {
            let proof = try await runProcessAsync(go, ["-proof", out + "/receipt-proof.txt", "-entry", out + "/entry.bin", "-vkey", vkey])
            #expect(proof.status == 0 && proof.stdout.hasPrefix("OK "), "\(proof.stdout)\(proof.stderr)")
            // One flipped byte of the entry: the stock verifier refuses the proof.
            var entry = try Data(contentsOf: URL(fileURLWithPath: out + "/entry.bin"))
            entry[entry.count - 1] ^= 1
            try entry.write(to: URL(fileURLWithPath: out + "/tampered-entry.bin"))
            let tampered = try await runProcessAsync(go, ["-proof", out + "/receipt-proof.txt", "-entry", out + "/tampered-entry.bin", "-vkey", vkey])
            #expect(tampered.status != 0)
        }

        guard let python = ProcessInfo.processInfo.environment["SIGNET_TEST_PYTHON"] else {
            print("⚠︎ ConsentInteropTests: the PyPI checks (sd-jwt, joserfc, jsonschema) skipped: set SIGNET_TEST_PYTHON to a venv's python (.ci/run does).")
            return
        }
        let checked = try await runProcessAsync(URL(fileURLWithPath: python),
                                                [Self.interop.appendingPathComponent("consent-verify/verify.py").path, out, Self.schema.path])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.components(separatedBy: "\nOK ").count == 4, "\(checked.stdout)")
    }
}
