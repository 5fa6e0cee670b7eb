/// `GET /subscriptions` and the VM list endpoints (subscription-wide and per resource group).
extension AzureEmulator {
    static let vmSizes = ["Standard_D2s_v5", "Standard_D4s_v5", "Standard_B2ms", "Standard_E4s_v5", "Standard_F4s_v2"]

    func listSubscriptions() throws -> EmulatorResponse {
        let subscriptions = self.subscriptionIDs.enumerated().map { index, id in
            SubscriptionListBody.Subscription(
                id: "/subscriptions/\(id)",
                subscriptionId: id,
                tenantId: self.configuration.tenantID,
                displayName: "Emulated subscription \(index + 1)"
            )
        }
        return try .json(200, SubscriptionListBody(value: subscriptions, count: .init(value: subscriptions.count)))
    }

    /// One page of VMs; `$skiptoken` is the offset of the page, and `statusOnly=true` returns only power states.
    func listVirtualMachines(
        subscriptionID: String,
        resourceGroup: String?,
        request: IncomingRequest,
        apiVersion: String
    ) throws -> EmulatorResponse {
        guard self.hasSubscription(subscriptionID) else {
            return try .json(404, CloudErrorBody(code: "SubscriptionNotFound", message: "The subscription '\(subscriptionID)' could not be found."))
        }
        if let resourceGroup, !self.hasResourceGroup(resourceGroup, in: subscriptionID) {
            return try .json(404, CloudErrorBody(code: "ResourceGroupNotFound", message: "Resource group '\(resourceGroup)' could not be found."))
        }
        let matching = self.vms.filter { vm in
            vm.subscriptionID.lowercased() == subscriptionID.lowercased()
                && (resourceGroup.map { vm.resourceGroup.lowercased() == $0.lowercased() } ?? true)
                && vm.behavior != .notFound
        }
        let statusOnly = request.queryValue("statusOnly")?.lowercased() == "true"
        let pageSize = max(1, self.configuration.listPageSize)
        let offset = min(max(0, request.queryValue("$skiptoken").flatMap { Int($0) } ?? 0), matching.count)
        let end = min(offset + pageSize, matching.count)
        var nextLink: String?
        if end < matching.count {
            nextLink = "\(request.baseURL)\(request.path)?api-version=\(apiVersion)\(statusOnly ? "&statusOnly=true" : "")&$skiptoken=\(end)"
        }
        let page = matching[offset..<end].map { statusOnly ? Self.statusOnlyBody($0) : Self.fullBody($0) }
        return try .json(200, VirtualMachineListBody(value: page, nextLink: nextLink))
    }

    private static func fullBody(_ vm: EmulatedVM) -> VirtualMachineBody {
        var random = SplitMix64(seed: SplitMix64.hash(vm.key))
        return VirtualMachineBody(
            name: vm.name,
            id: vm.resourceID,
            location: vm.location,
            tags: ["managedBy": "patchscan-emulator"],
            properties: VirtualMachineBody.Properties(
                vmId: random.guid(),
                hardwareProfile: .init(vmSize: random.pick(Self.vmSizes)),
                storageProfile: .init(
                    osDisk: .init(
                        osType: vm.osType.rawValue,
                        name: "\(vm.name)_OsDisk_1",
                        diskSizeGB: vm.osType == .windows ? 127 : 30
                    )
                ),
                osProfile: .init(computerName: vm.name),
                provisioningState: "Succeeded"
            )
        )
    }

    private static func statusOnlyBody(_ vm: EmulatedVM) -> VirtualMachineBody {
        let powerState: VirtualMachineBody.Status
        switch vm.behavior {
        case .deallocated: powerState = .init(code: "PowerState/deallocated", displayStatus: "VM deallocated")
        case .stopped: powerState = .init(code: "PowerState/stopped", displayStatus: "VM stopped")
        default: powerState = .init(code: "PowerState/running", displayStatus: "VM running")
        }
        return VirtualMachineBody(
            name: vm.name,
            id: vm.resourceID,
            location: vm.location,
            properties: VirtualMachineBody.Properties(
                instanceView: .init(statuses: [
                    .init(code: "ProvisioningState/succeeded", displayStatus: "Provisioning succeeded"),
                    powerState,
                ])
            )
        )
    }
}
