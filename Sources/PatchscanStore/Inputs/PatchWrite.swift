/// One entry of a result's `availablePatches`, stored verbatim in the `patch` table.
public struct PatchWrite: Sendable, Hashable {
    /// `patchId`: a GUID on Windows, `{package}_{version}_{os}` on Linux.
    public var patchID: String?
    /// `name`: the friendly name.
    public var name: String?
    /// `version`: Linux only.
    public var version: String?
    /// `kbId`: Windows only.
    public var kbID: String?
    /// `classifications`, in the order Azure listed them (free strings such as `Security` or `Update Rollups`).
    public var classifications: [String]
    /// `rebootBehavior` as sent (`NeverReboots`, `AlwaysRequiresReboot`, `CanRequestReboot`, `Unknown`, …).
    public var rebootBehavior: String?
    /// `activityId`.
    public var activityID: String?
    /// `publishedDate`, exactly as sent.
    public var publishedDate: String?
    /// `lastModifiedDateTime`, exactly as sent.
    public var lastModifiedDateTime: String?
    /// `assessmentState` as sent (`Available`, `Unknown`, …).
    public var assessmentState: String?

    /// Creates a patch write.
    public init(
        patchID: String? = nil,
        name: String? = nil,
        version: String? = nil,
        kbID: String? = nil,
        classifications: [String] = [],
        rebootBehavior: String? = nil,
        activityID: String? = nil,
        publishedDate: String? = nil,
        lastModifiedDateTime: String? = nil,
        assessmentState: String? = nil
    ) {
        self.patchID = patchID
        self.name = name
        self.version = version
        self.kbID = kbID
        self.classifications = classifications
        self.rebootBehavior = rebootBehavior
        self.activityID = activityID
        self.publishedDate = publishedDate
        self.lastModifiedDateTime = lastModifiedDateTime
        self.assessmentState = assessmentState
    }
}
