import AzureCompute

/// A virtual machine to assess, as listed under `vms`.
public struct VMTarget: Sendable, Equatable {
    /// The VM's resource id.
    public var id: VMResourceID
    /// The Azure region, if given; informational (reports, grouping).
    public var location: String?
    /// A free-form group label such as `prod-web`, if given; used to group results.
    public var group: String?

    /// Creates a target.
    public init(id: VMResourceID, location: String? = nil, group: String? = nil) {
        self.id = id
        self.location = location
        self.group = group
    }
}
