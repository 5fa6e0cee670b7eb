import AzureCompute
import PatchscanStore

/// What one scan cycle did, for the CLI and for logs.
public struct ScanSummary: Sendable {
    /// One VM's outcome.
    public struct VMOutcome: Sendable {
        /// The VM.
        public var vm: VMResourceID
        /// `succeeded` or the failure code (``AzureError/Code-swift.struct/name``).
        public var outcome: String
        /// The failure message, if any.
        public var message: String?
        /// Flags raised by the result.
        public var flags: [Flag]
    }

    /// The `scan_run.id` of this cycle.
    public var runID: Int64
    /// Every VM's outcome, in completion order.
    public var outcomes: [VMOutcome]
    /// Wall time of the cycle.
    public var duration: Duration

    /// VMs whose assessment succeeded.
    public var succeededCount: Int { outcomes.count { $0.outcome == ScanOutcome.succeeded } }
    /// VMs whose assessment failed.
    public var failedCount: Int { outcomes.count - succeededCount }
    /// VMs with at least one flag.
    public var flagged: [VMOutcome] { outcomes.filter { !$0.flags.isEmpty } }
    /// Failure counts by outcome code.
    public var failuresByOutcome: [String: Int] {
        outcomes.filter { $0.outcome != ScanOutcome.succeeded }.reduce(into: [:]) { $0[$1.outcome, default: 0] += 1 }
    }
}

/// Outcome codes beyond ``AzureError/Code-swift.struct``.
public enum ScanOutcome {
    /// The assessment completed and its result was stored.
    public static let succeeded = "succeeded"
    /// The operation succeeded but the result's own status is `Failed`.
    public static let assessmentFailed = "assessment_failed"
    /// Another patchscan process (the daemon) held the VM, so this run did not assess it.
    public static let skippedInFlight = StoredOutcome.skippedInFlight
}
