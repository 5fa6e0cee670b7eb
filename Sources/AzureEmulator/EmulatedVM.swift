/// One VM of the emulated fleet: where it lives, how it behaves and what its assessment returns.
public struct EmulatedVM: Sendable, Hashable {
    /// The subscription id (a GUID-looking string).
    public var subscriptionID: String
    /// The resource group name, e.g. `rg-web-prod`.
    public var resourceGroup: String
    /// The VM name, e.g. `web-prod-017`.
    public var name: String
    /// The Azure region, e.g. `westeurope`; it appears in the operation URLs.
    public var location: String
    /// The operating system, which shapes the patches.
    public var osType: OSType
    /// How the VM answers assessPatches.
    public var behavior: VMBehavior
    /// The ground truth a successful assessment of this VM returns (set for failing VMs too).
    public var result: EmulatedResult

    /// Creates a VM from its parts.
    public init(
        subscriptionID: String,
        resourceGroup: String,
        name: String,
        location: String,
        osType: OSType,
        behavior: VMBehavior,
        result: EmulatedResult
    ) {
        self.subscriptionID = subscriptionID
        self.resourceGroup = resourceGroup
        self.name = name
        self.location = location
        self.osType = osType
        self.behavior = behavior
        self.result = result
    }

    /// The ARM resource id, in the case the fleet uses.
    public var resourceID: String {
        "/subscriptions/\(self.subscriptionID)/resourceGroups/\(self.resourceGroup)/providers/Microsoft.Compute/virtualMachines/\(self.name)"
    }

    /// The lower-cased resource id the emulator uses as the VM's key (ARM ids compare case-insensitively).
    var key: String {
        self.resourceID.lowercased()
    }

    /// Builds a VM whose result is generated deterministically from `seed`.
    ///
    /// The result is realistic for `osType` (0–40 patches, about 30% reboot-pending, most VMs without
    /// critical patches, some with several) and shaped by `behavior`: `.completedWithWarnings` truncates the
    /// list to 5 patches and adds a `PACKAGE_LIST_TRUNCATED` detail, `.resultFailed` yields status `Failed`
    /// with an error and no patches, `.unknownEnums` puts undocumented enum values on some patches.
    public static func generate(
        subscriptionID: String,
        resourceGroup: String,
        name: String,
        location: String,
        osType: OSType,
        behavior: VMBehavior,
        seed: UInt64
    ) -> EmulatedVM {
        var generator = ResultGenerator(seed: seed, osType: osType, behavior: behavior)
        return EmulatedVM(
            subscriptionID: subscriptionID,
            resourceGroup: resourceGroup,
            name: name,
            location: location,
            osType: osType,
            behavior: behavior,
            result: generator.makeResult()
        )
    }
}
