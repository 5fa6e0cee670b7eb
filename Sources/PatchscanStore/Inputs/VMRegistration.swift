/// A VM from the configuration, as the store records it in the `vm` table.
public struct VMRegistration: Sendable, Hashable {
    /// The full ARM resource id as configured (`/subscriptions/…/virtualMachines/name`); matched case-insensitively.
    public var resourceID: String
    /// The subscription id parsed from the resource id.
    public var subscriptionID: String
    /// The resource group parsed from the resource id.
    public var resourceGroup: String
    /// The VM name parsed from the resource id.
    public var name: String
    /// The Azure region, when known. `nil` keeps a location recorded earlier.
    public var location: String?
    /// The operator's grouping label from the configuration, if any. `nil` clears an earlier label.
    public var group: String?

    /// Creates a registration.
    public init(
        resourceID: String,
        subscriptionID: String,
        resourceGroup: String,
        name: String,
        location: String? = nil,
        group: String? = nil
    ) {
        self.resourceID = resourceID
        self.subscriptionID = subscriptionID
        self.resourceGroup = resourceGroup
        self.name = name
        self.location = location
        self.group = group
    }
}
