#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``PatchscanLogHandler`` renders a log event. Every format writes one event as exactly one line.
public enum LogFormat: String, Sendable, CaseIterable {
    /// For people: `2025-06-01T12:00:00.000Z notice patchscan: Scan cycle started scan.vm_count=1000`.
    case text
    /// One JSON object per line with the fields `time`, `level`, `label`, `message`, `source` and `metadata`
    /// (an object of strings), for log shippers.
    case json
    /// For systemd's journal: a `<N>` syslog priority prefix, no timestamp (the journal records its own),
    /// then the message and the metadata as in ``text``.
    case journal

    /// ``journal`` when standard error is connected to the journal, otherwise ``text``.
    ///
    /// systemd sets `JOURNAL_STREAM` to the `device:inode` of the stream it connects to a service's standard
    /// output and error. The variable is inherited by child processes whose standard error goes elsewhere
    /// (a terminal, a pipe), so it counts only when it matches the descriptor's `fstat(2)`.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - standardError: The descriptor log lines are written to.
    public static func automatic(environment: [String: String], standardError: Int32 = STDERR_FILENO) -> LogFormat {
        guard let stream = environment["JOURNAL_STREAM"] else { return .text }
        let parts = stream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return .text }
        var status = stat()
        guard fstat(standardError, &status) == 0 else { return .text }
        let matches = UInt64(truncatingIfNeeded: status.st_dev) == device
            && UInt64(truncatingIfNeeded: status.st_ino) == inode
        return matches ? .journal : .text
    }
}
