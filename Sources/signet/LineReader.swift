import Foundation

/// Reads newline-separated byte lines from a file handle in 64 KiB chunks.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false

    init(handle: FileHandle) { self.handle = handle }

    /// The next line without its `\n` (and without a trailing `\r`), or `nil` at the end.
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0a) {
                var line = Array(buffer[start..<newline])
                start = newline + 1
                if line.last == 0x0d { line.removeLast() }
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            let chunk = handle.readData(ofLength: 65_536)
            buffer.removeFirst(start)
            start = 0
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}

/// Writes one line to standard output immediately (unbuffered), so a reader sees each
/// acknowledgement as soon as it happens, even if this process is killed right after.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
