/// Outcome codes the store gives a meaning to. Every other `assessment.outcome` is free text.
public enum StoredOutcome {
    /// The VM was not assessed because another process held it (a live claim or a pending operation).
    ///
    /// ``PatchscanStore/recordAssessment(_:)`` stores such a write as a row of its run only: the VM's pending
    /// operation, claim, `last_assessed_at` and `next_due_at` belong to the process that is assessing it.
    public static let skippedInFlight = "skipped_in_flight"
}
