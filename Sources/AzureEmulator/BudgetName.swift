/// One of the throttling budgets in ``EmulatorBudgets``: what it counts, per what, and its name on the wire.
///
/// Raw values match the `bucket` label of patchscan's `patchscan_azure_throttled_total` metric where one exists.
public enum BudgetName: String, Sendable, Hashable, CaseIterable {
    /// Compute RP guest-patch operations per subscription and region (policy `GuestPatchRegion3Min`).
    case guestPatchRegion = "guest_patch_region"
    /// Compute RP guest-patch operations per VM (policy `GuestPatch3Min`).
    case guestPatchVM = "guest_patch_vm"
    /// Compute RP GetOperation per subscription and region (policy `GetOperationRegion3Min`).
    case getOperationRegion = "get_operation_region"
    /// Compute RP GetOperation per VM (policy `GetOperation3Min`).
    case getOperationVM = "get_operation_vm"
    /// ARM writes per subscription (`x-ms-ratelimit-remaining-subscription-writes`).
    case armWrites = "arm_writes"
    /// ARM reads per subscription (`x-ms-ratelimit-remaining-subscription-reads`).
    case armReads = "arm_reads"
    /// ARM writes per subscription across principals (`x-ms-ratelimit-remaining-subscription-global-writes`).
    case armGlobalWrites = "arm_global_writes"
    /// ARM reads per subscription across principals (`x-ms-ratelimit-remaining-subscription-global-reads`).
    case armGlobalReads = "arm_global_reads"

    /// What a budget is kept per.
    public enum Scope: Sendable, Hashable {
        /// One bucket per subscription id.
        case subscription
        /// One bucket per subscription id and VM region.
        case subscriptionRegion
        /// One bucket per VM resource id.
        case vm

        /// The bucket key: lower-cased, so ids that differ only in case share a bucket, as they do in Azure; `nil`
        /// when a part the scope needs is missing.
        public func key(subscriptionID: String?, location: String?, vmResourceID: String?) -> String? {
            switch self {
            case .subscription:
                subscriptionID?.lowercased()
            case .subscriptionRegion:
                subscriptionID.flatMap { subscription in location.map { "\(subscription)/\($0)".lowercased() } }
            case .vm:
                vmResourceID?.lowercased()
            }
        }
    }

    /// What this budget is kept per.
    public var scope: Scope {
        switch self {
        case .guestPatchRegion, .getOperationRegion: .subscriptionRegion
        case .guestPatchVM, .getOperationVM: .vm
        case .armWrites, .armReads, .armGlobalWrites, .armGlobalReads: .subscription
        }
    }

    /// The requests that spend a token of this budget.
    public var kinds: Set<JournalEntry.Kind> {
        switch self {
        case .guestPatchRegion, .guestPatchVM, .armWrites, .armGlobalWrites: [.assessPatches]
        case .getOperationRegion, .getOperationVM: [.operationStatus, .operationResult]
        case .armReads, .armGlobalReads: [.operationStatus, .operationResult, .listVirtualMachines]
        }
    }

    /// The Compute RP policy name (`target` of its 429, a name in `x-ms-ratelimit-remaining-resource`), or for ARM
    /// budgets the suffix of the `x-ms-ratelimit-remaining-` header.
    public var policyName: String {
        switch self {
        case .guestPatchRegion: "GuestPatchRegion3Min"
        case .guestPatchVM: "GuestPatch3Min"
        case .getOperationRegion: "GetOperationRegion3Min"
        case .getOperationVM: "GetOperation3Min"
        case .armWrites: "subscription-writes"
        case .armReads: "subscription-reads"
        case .armGlobalWrites: "subscription-global-writes"
        case .armGlobalReads: "subscription-global-reads"
        }
    }

    /// The bucket key of a journal entry for this budget, or `nil` when the entry does not name one
    /// (for example a request for an unknown VM has no region).
    public func key(of entry: JournalEntry) -> String? {
        self.scope.key(subscriptionID: entry.subscriptionID, location: entry.location, vmResourceID: entry.vmResourceID)
    }
}
