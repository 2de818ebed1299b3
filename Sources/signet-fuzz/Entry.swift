#if SIGNET_LIBFUZZER
/// libFuzzer's entry point (`-sanitize=fuzzer` links libFuzzer's own `main`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FuzzTarget.dispatch(Array(UnsafeBufferPointer(start: data, count: count)))
    return 0
}
#else
import Foundation

/// Without libFuzzer: replays files (a corpus, or a crash libFuzzer saved) through the same
/// targets, so a finding can be reproduced and kept as a regression test.
@main
struct FuzzReplay {
    static func main() throws {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: signet-fuzz FILE|DIRECTORY...\n".utf8))
            exit(64)
        }
        var count = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let files = isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                FuzzTarget.dispatch(Array(data))
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }
}
#endif
