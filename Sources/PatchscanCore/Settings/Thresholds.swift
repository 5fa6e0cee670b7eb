/// When a VM's assessment result gets flagged.
public struct Thresholds: Sendable, Equatable {
    /// Default for ``rebootPending``.
    public static let defaultRebootPending = true
    /// Default for ``criticalAndSecurityPatchCount``: flag any missing critical or security patch.
    public static let defaultCriticalAndSecurityPatchCount: Int? = 1
    /// Default for ``otherPatchCount``: never flag on other patches.
    public static let defaultOtherPatchCount: Int? = nil

    /// Flag VMs whose result says a reboot is pending (`thresholds.rebootPending`).
    public var rebootPending: Bool
    /// Flag when `criticalAndSecurityPatchCount` is at least this; `nil` never flags
    /// (`thresholds.criticalAndSecurityPatchCount`).
    public var criticalAndSecurityPatchCount: Int?
    /// Flag when `otherPatchCount` is at least this; `nil` never flags (`thresholds.otherPatchCount`).
    public var otherPatchCount: Int?

    /// Creates thresholds; every argument has the documented default.
    public init(
        rebootPending: Bool = Thresholds.defaultRebootPending,
        criticalAndSecurityPatchCount: Int? = Thresholds.defaultCriticalAndSecurityPatchCount,
        otherPatchCount: Int? = Thresholds.defaultOtherPatchCount
    ) {
        self.rebootPending = rebootPending
        self.criticalAndSecurityPatchCount = criticalAndSecurityPatchCount
        self.otherPatchCount = otherPatchCount
    }
}
