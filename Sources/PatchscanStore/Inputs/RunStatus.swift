import GRDB

/// The lifecycle state of a scan run, stored as text in `scan_run.status`.
public enum RunStatus: String, Sendable, Hashable, CaseIterable, Codable, DatabaseValueConvertible {
    /// The run is in progress: assessments are still being recorded.
    case running
    /// The run finished and recorded every assessment it attempted.
    case completed
    /// The run stopped early: shutdown, or a crash detected by ``PatchscanStore/markInterruptedRuns(now:)``.
    case interrupted
}
