import Foundation
import GRDB

/// A `scan_run` row: one pass over the configured fleet, with counters kept in step with its assessments.
public struct ScanRun: Sendable, Hashable, Identifiable, Codable, FetchableRecord, TableRecord {
    /// The table name.
    public static let databaseTableName = "scan_run"

    /// `id`.
    public var id: Int64
    /// `started_at`: when the run started.
    public var startedAt: Date
    /// `finished_at`: when the run finished; `nil` while running, or when a crash interrupted it.
    public var finishedAt: Date?
    /// `status`.
    public var status: RunStatus
    /// `vm_count`: how many VMs the run planned to assess.
    public var vmCount: Int
    /// `succeeded_count`: assessments recorded with `succeeded = 1`.
    public var succeededCount: Int
    /// `failed_count`: assessments recorded with `succeeded = 0`.
    public var failedCount: Int
    /// `flagged_vm_count`: assessments recorded with at least one flag.
    public var flaggedVMCount: Int
    /// `patchscan_version`: the version of the binary that ran the scan.
    public var patchscanVersion: String

    private enum CodingKeys: String, CodingKey {
        case id
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case status
        case vmCount = "vm_count"
        case succeededCount = "succeeded_count"
        case failedCount = "failed_count"
        case flaggedVMCount = "flagged_vm_count"
        case patchscanVersion = "patchscan_version"
    }
}
