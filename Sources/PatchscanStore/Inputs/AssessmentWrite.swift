import Foundation

/// One VM's assessment outcome in one run, recorded by ``PatchscanStore/recordAssessment(_:)``.
///
/// Text fields that come from Azure are stored verbatim, including enum values this version does not know.
///
/// Recording it also updates the VM's scheduling state in the same transaction (see
/// ``PatchscanStore/recordAssessment(_:)``); an ``StoredOutcome/skippedInFlight`` write leaves that state alone.
public struct AssessmentWrite: Sendable, Hashable {
    /// The `scan_run` row this assessment belongs to.
    public var runID: Int64
    /// The `vm` row assessed.
    public var vmID: Int64
    /// The scanner's outcome code: `succeeded`, or a failure code such as `throttled` or `not_running`.
    public var outcome: String
    /// Whether the assessment produced a result; drives the run's succeeded/failed counters.
    public var succeeded: Bool
    /// The long-running operation's terminal status as Azure sent it (`Succeeded`, `Failed`, `Canceled`, …).
    public var lroStatus: String?
    /// The result's `status` (PatchOperationStatus) as Azure sent it.
    public var resultStatus: String?
    /// The result's `assessmentActivityId`.
    public var assessmentActivityID: String?
    /// The result's `rebootPending`.
    public var rebootPending: Bool?
    /// The result's `criticalAndSecurityPatchCount`.
    public var criticalAndSecurityPatchCount: Int?
    /// The result's `otherPatchCount`.
    public var otherPatchCount: Int?
    /// The result's `startDateTime`, exactly as Azure sent it (ISO 8601, up to 7 fractional digits).
    public var assessmentStartedAt: String?
    /// When patchscan started the assessPatches call.
    public var startedAt: Date
    /// How long the call took, from start to outcome, in milliseconds.
    public var durationMilliseconds: Int
    /// The Azure error `code`, when the outcome carries one.
    public var errorCode: String?
    /// The Azure error `message`, or patchscan's own message for failures without an Azure error.
    public var errorMessage: String?
    /// The Azure error `target`.
    public var errorTarget: String?
    /// The Azure error `details` array as JSON text; must be valid JSON.
    public var errorDetailsJSON: String?
    /// `x-ms-request-id` of the response that decided the outcome.
    public var requestID: String?
    /// `x-ms-correlation-request-id` of the response that decided the outcome.
    public var correlationID: String?
    /// The result's `availablePatches`, in the order Azure listed them.
    public var patches: [PatchWrite]
    /// The flags raised for this VM; each kind at most once.
    public var flags: [FlagWrite]
    /// When the VM is next due (`vm.next_due_at`); `nil` leaves the stored due time unchanged.
    public var nextDueAt: Date?
    /// The owner of the claim under which the VM was assessed; the claim is released when it still belongs to this
    /// owner. `nil` releases no claim.
    public var claimOwner: String?

    /// Creates an assessment write.
    public init(
        runID: Int64,
        vmID: Int64,
        outcome: String,
        succeeded: Bool,
        lroStatus: String? = nil,
        resultStatus: String? = nil,
        assessmentActivityID: String? = nil,
        rebootPending: Bool? = nil,
        criticalAndSecurityPatchCount: Int? = nil,
        otherPatchCount: Int? = nil,
        assessmentStartedAt: String? = nil,
        startedAt: Date,
        durationMilliseconds: Int,
        errorCode: String? = nil,
        errorMessage: String? = nil,
        errorTarget: String? = nil,
        errorDetailsJSON: String? = nil,
        requestID: String? = nil,
        correlationID: String? = nil,
        patches: [PatchWrite] = [],
        flags: [FlagWrite] = [],
        nextDueAt: Date? = nil,
        claimOwner: String? = nil
    ) {
        self.runID = runID
        self.vmID = vmID
        self.outcome = outcome
        self.succeeded = succeeded
        self.lroStatus = lroStatus
        self.resultStatus = resultStatus
        self.assessmentActivityID = assessmentActivityID
        self.rebootPending = rebootPending
        self.criticalAndSecurityPatchCount = criticalAndSecurityPatchCount
        self.otherPatchCount = otherPatchCount
        self.assessmentStartedAt = assessmentStartedAt
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.errorTarget = errorTarget
        self.errorDetailsJSON = errorDetailsJSON
        self.requestID = requestID
        self.correlationID = correlationID
        self.patches = patches
        self.flags = flags
        self.nextDueAt = nextDueAt
        self.claimOwner = claimOwner
    }
}
