/// Builds the deterministic fleet an ``EmulatorConfiguration`` describes.
enum FleetGenerator {
    static let roles = ["web", "api", "db", "cache", "batch", "app", "etl", "mq", "search", "jump"]
    static let environments = ["prod", "prod", "staging", "dev", "test"]
    static let locations = ["eastus", "eastus2", "westus2", "westeurope", "northeurope", "uksouth", "southeastasia"]

    static func fleet(for configuration: EmulatorConfiguration) -> [EmulatedVM] {
        if let fleet = configuration.fleet {
            return fleet
        }
        var vms: [EmulatedVM] = []
        for (index, subscriptionID) in configuration.subscriptionIDs.enumerated() {
            var random = SplitMix64(seed: SplitMix64.derive(configuration.seed, salt: 0xF1EE_0000 + UInt64(index)))
            // Each resource group lives in one region, as real groups mostly do.
            var groupLocations: [String: String] = [:]
            var groupCounters: [String: Int] = [:]
            for _ in 0..<max(0, configuration.vmsPerSubscription) {
                let role = random.pick(Self.roles)
                let environment = random.pick(Self.environments)
                let resourceGroup = "rg-\(role)-\(environment)"
                let location = groupLocations[resourceGroup] ?? random.pick(Self.locations)
                groupLocations[resourceGroup] = location
                let number = (groupCounters[resourceGroup] ?? 0) + 1
                groupCounters[resourceGroup] = number
                let osType: OSType = random.chance(0.6) ? .linux : .windows
                let behavior = configuration.faultMix.behavior(
                    draw: random.unit(),
                    extra: random.next(),
                    retryAfter: configuration.retryAfterSeconds
                )
                vms.append(
                    EmulatedVM.generate(
                        subscriptionID: subscriptionID,
                        resourceGroup: resourceGroup,
                        name: "\(role)-\(environment)-\(Self.threeDigits(number))",
                        location: location,
                        osType: osType,
                        behavior: behavior,
                        seed: random.next()
                    )
                )
            }
        }
        return vms
    }

    private static func threeDigits(_ value: Int) -> String {
        let digits = String(value)
        return digits.count >= 3 ? digits : String(repeating: "0", count: 3 - digits.count) + digits
    }
}
