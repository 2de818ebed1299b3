#if SIGNET_LIBFUZZER
import Foundation

/// Coverage-guided fuzzing of ``FuzzTarget`` by libFuzzer, in a build with
/// `-sanitize=fuzzer -DSIGNET_LIBFUZZER` (see `scripts/fuzz.sh`): libFuzzer keeps every input
/// that reaches new edges of the instrumented parsers, so it goes deeper than `--mutate`.
///
/// SwiftPM keeps this executable's own `main`, so it starts libFuzzer through
/// `LLVMFuzzerRunDriver`; compiler-rt's archive still needs `LLVMFuzzerTestOneInput` defined.
enum LibFuzzer {
    /// Runs libFuzzer with `arguments` (its own flags and corpus directories); never returns.
    static func run(_ arguments: [String]) -> Never {
        var argv: [UnsafeMutablePointer<CChar>?] = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
        var argc = Int32(arguments.count + 1)
        let status = argv.withUnsafeMutableBufferPointer { buffer in
            var base = buffer.baseAddress
            return runFuzzerDriver(&argc, &base) { data, size in fuzzOneInput(data, size) }
        }
        exit(status)
    }
}

/// libFuzzer's driver for a program with its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// One input through the targets (also libFuzzer's conventional entry point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.dispatch(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#endif
