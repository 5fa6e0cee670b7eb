import Foundation

/// A configured VM's scheduling state, read by ``PatchscanStore/scheduledVMs(resourceIDs:)``.
public struct ScheduledVM: Sendable, Equatable {
    /// `vm.id`.
    public var vmID: Int64
    /// `vm.resource_id`, as last configured.
    public var resourceID: String
    /// `vm.vm_group`: the operator's group label, which selects the interval.
    public var group: String?
    /// `vm.next_due_at`: when the VM is next due; `nil` until the scheduler first plans it.
    public var nextDueAt: Date?
    /// `vm.last_assessed_at`: when its latest recorded assessment started; `nil` when never assessed.
    public var lastAssessedAt: Date?
    /// Whether that latest assessment succeeded; `nil` when never assessed.
    public var lastAssessmentSucceeded: Bool?

    /// Creates a VM's scheduling state.
    public init(
        vmID: Int64,
        resourceID: String,
        group: String? = nil,
        nextDueAt: Date? = nil,
        lastAssessedAt: Date? = nil,
        lastAssessmentSucceeded: Bool? = nil
    ) {
        self.vmID = vmID
        self.resourceID = resourceID
        self.group = group
        self.nextDueAt = nextDueAt
        self.lastAssessedAt = lastAssessedAt
        self.lastAssessmentSucceeded = lastAssessmentSucceeded
    }
}
