#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where ``PatchscanLogHandler`` writes. Receives one complete line per log event, newline included.
public struct LogSink: Sendable {
    /// Writes one complete line.
    public let write: @Sendable (String) -> Void

    /// Creates a sink from a closure, such as one that collects lines in a test.
    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard error, with one `write(2)` per line: lines from concurrent tasks never interleave (pipes and the
    /// journal's stream socket deliver a single write of up to 4 KiB whole). Write errors are ignored; there is
    /// nowhere left to report them.
    public static let standardError = LogSink { line in
        writeWhole(line, to: STDERR_FILENO)
    }
}

/// Writes `line` with one `write(2)`, continuing only after a partial write or an interrupted call.
private func writeWhole(_ line: String, to descriptor: Int32) {
    var line = line
    line.withUTF8 { bytes in
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(descriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            next += written
            remaining -= written
        }
    }
}
