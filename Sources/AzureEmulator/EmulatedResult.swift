/// One available patch, exactly as it appears in a `VirtualMachineAssessPatchesResult`.
///
/// `version` is `""` on Windows and the distro package version on Linux; `kbId` is `nil` (the key is
/// absent from the JSON) on Linux.
public struct EmulatedPatch: Sendable, Hashable, Codable {
    /// Windows: a GUID. Linux: `{package}_{version}_{osNameAndVersion}`.
    public var patchId: String
    /// The patch or package name.
    public var name: String
    /// `""` on Windows, the package version on Linux.
    public var version: String?
    /// The KB number on Windows, `nil` on Linux.
    public var kbId: String?
    /// Windows Update categories or Linux classifications (free strings).
    public var classifications: [String]
    /// `NeverReboots`, `AlwaysRequiresReboot`, `CanRequestReboot`, `Unknown`, or an undocumented value.
    public var rebootBehavior: String
    /// The activity that found the patch (the result's `assessmentActivityId`).
    public var activityId: String
    /// When the patch was published (`2026-05-01T00:00:00Z`).
    public var publishedDate: String
    /// 7-digit fractional-second timestamp.
    public var lastModifiedDateTime: String
    /// `Available`, `Unknown`, or an undocumented value.
    public var assessmentState: String

    /// Creates a patch from its wire fields.
    public init(
        patchId: String,
        name: String,
        version: String?,
        kbId: String?,
        classifications: [String],
        rebootBehavior: String,
        activityId: String,
        publishedDate: String,
        lastModifiedDateTime: String,
        assessmentState: String
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

/// One entry of an `ApiError`'s `details` array.
public struct EmulatedErrorDetail: Sendable, Hashable, Codable {
    /// The error code, e.g. `PACKAGE_LIST_TRUNCATED`.
    public var code: String
    /// The message (the patch extension caps it at 128 characters).
    public var message: String
    /// The target, usually absent.
    public var target: String?

    /// Creates a detail entry.
    public init(code: String, message: String, target: String? = nil) {
        self.code = code
        self.message = message
        self.target = target
    }
}

/// The `error` of an assessPatches result (an `ApiError`).
public struct EmulatedError: Sendable, Hashable, Codable {
    /// The top-level code.
    public var code: String
    /// The summary message.
    public var message: String
    /// The target, usually absent.
    public var target: String?
    /// The individual errors; the innermost message is the root cause.
    public var details: [EmulatedErrorDetail]

    /// Creates an error.
    public init(code: String, message: String, target: String? = nil, details: [EmulatedErrorDetail] = []) {
        self.code = code
        self.message = message
        self.target = target
        self.details = details
    }
}

/// A `VirtualMachineAssessPatchesResult`: the body of the Location GET once the assessment succeeded.
///
/// Encodes with an explicit `"error": null` when there is no error, as Azure does. The counts come from
/// the full set of generated patches and need not equal `availablePatches.count`.
public struct EmulatedResult: Sendable, Hashable, Codable {
    /// `Succeeded`, `CompletedWithWarnings`, `Failed`, …
    public var status: String
    /// Correlates CRP and extension logs.
    public var assessmentActivityId: String
    /// Whether the VM waits for a reboot to finish installing patches.
    public var rebootPending: Bool
    /// Available patches classified critical or security.
    public var criticalAndSecurityPatchCount: Int
    /// All other available patches.
    public var otherPatchCount: Int
    /// When the assessment began (7-digit fractional seconds, `Z`).
    public var startDateTime: String
    /// The listed patches (possibly fewer than the counts say).
    public var availablePatches: [EmulatedPatch]
    /// Errors reported by the patch extension; `nil` encodes as `null`.
    public var error: EmulatedError?

    /// Creates a result from its wire fields.
    public init(
        status: String,
        assessmentActivityId: String,
        rebootPending: Bool,
        criticalAndSecurityPatchCount: Int,
        otherPatchCount: Int,
        startDateTime: String,
        availablePatches: [EmulatedPatch],
        error: EmulatedError?
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

    private enum CodingKeys: String, CodingKey {
        case status, assessmentActivityId, rebootPending, criticalAndSecurityPatchCount, otherPatchCount
        case startDateTime, availablePatches, error
    }

    /// Encodes the result; `error` is written even when `nil`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.assessmentActivityId, forKey: .assessmentActivityId)
        try container.encode(self.rebootPending, forKey: .rebootPending)
        try container.encode(self.criticalAndSecurityPatchCount, forKey: .criticalAndSecurityPatchCount)
        try container.encode(self.otherPatchCount, forKey: .otherPatchCount)
        try container.encode(self.startDateTime, forKey: .startDateTime)
        try container.encode(self.availablePatches, forKey: .availablePatches)
        try container.encode(self.error, forKey: .error)
    }
}
