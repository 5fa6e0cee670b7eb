/// `VirtualMachineAssessPatchesResult`: what one assessPatches call found on a VM.
///
/// Every field is optional: Azure marks them read-only and omits or nulls them freely. The counts are
/// Azure's own and need not equal `availablePatches.count` (the list can be truncated).
public struct AssessPatchesResult: Sendable, Hashable, Codable {
    /// Overall status; stays `InProgress` until the assessment completes.
    public var status: PatchOperationStatus?
    /// Correlates the assessment across CRP and extension logs.
    public var assessmentActivityId: String?
    /// True when partially installed patches need a reboot to complete.
    public var rebootPending: Bool?
    /// Critical or security patches available and not yet installed.
    public var criticalAndSecurityPatchCount: Int?
    /// All other available patches.
    public var otherPatchCount: Int?
    /// When the assessment began (UTC).
    public var startDateTime: AzureTimestamp?
    /// The patches found; may be truncated by the patch extension.
    public var availablePatches: [SoftwarePatch]?
    /// Errors met during the assessment; `details` lists them.
    public var error: APIError?

    /// Creates a result; all fields default to absent.
    public init(
        status: PatchOperationStatus? = nil,
        assessmentActivityId: String? = nil,
        rebootPending: Bool? = nil,
        criticalAndSecurityPatchCount: Int? = nil,
        otherPatchCount: Int? = nil,
        startDateTime: AzureTimestamp? = nil,
        availablePatches: [SoftwarePatch]? = nil,
        error: APIError? = nil
    ) {
        self.status = status
        self.assessmentActivityId = assessmentActivityId
        self.rebootPending = rebootPending
        self.criticalAndSecurityPatchCount = criticalAndSecurityPatchCount
        self.otherPatchCount = otherPatchCount
        self.startDateTime = startDateTime
        self.availablePatches = availablePatches
        self.error = error
    }
}

/// `VirtualMachineSoftwarePatchProperties`: one available patch.
public struct SoftwarePatch: Sendable, Hashable, Codable {
    /// Unique patch identifier (a GUID on Windows, `name_version_os` on Linux).
    public var patchId: String?
    /// Friendly name.
    public var name: String?
    /// Version (Linux only; `""` on Windows).
    public var version: String?
    /// Knowledge-base id (Windows only).
    public var kbId: String?
    /// Publisher classifications, free strings (e.g. `Security`, `Critical Updates`).
    public var classifications: [String]?
    /// Reboot requirement of the patch.
    public var rebootBehavior: RebootBehavior?
    /// Activity id of the operation that produced this record.
    public var activityId: String?
    /// When the repository published the patch.
    public var publishedDate: AzureTimestamp?
    /// When this patch record last changed.
    public var lastModifiedDateTime: AzureTimestamp?
    /// Whether the patch is available.
    public var assessmentState: PatchAssessmentState?

    /// Creates a patch; all fields default to absent.
    public init(
        patchId: String? = nil,
        name: String? = nil,
        version: String? = nil,
        kbId: String? = nil,
        classifications: [String]? = nil,
        rebootBehavior: RebootBehavior? = nil,
        activityId: String? = nil,
        publishedDate: AzureTimestamp? = nil,
        lastModifiedDateTime: AzureTimestamp? = nil,
        assessmentState: PatchAssessmentState? = nil
    ) {
        self.patchId = patchId
        self.name = name
        self.version = version
        self.kbId = kbId
        self.classifications = classifications
        self.rebootBehavior = rebootBehavior
        self.activityId = activityId
        self.publishedDate = publishedDate
        self.lastModifiedDateTime = lastModifiedDateTime
        self.assessmentState = assessmentState
    }
}
