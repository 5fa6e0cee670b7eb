import AzureCompute
import AzureEmulator
import Foundation
import Logging
import PatchscanCore

/// The benchmark's scenario: the emulated fleet and budgets, and the settings patchscan scans it with.
struct Scenario: Sendable {
    /// The environment variable the client secret is passed in.
    static let secretVariable = "PATCHSCAN_BENCHMARK_SECRET"
    /// The region of every VM: one region per subscription makes the (subscription, region) guest-patch bucket the
    /// one that binds.
    static let region = "westeurope"

    let options: BenchmarkOptions
    /// The VMs, in the order of the configuration's `vms`.
    let fleet: [EmulatedVM]

    /// Generates the fleet the options describe, every VM healthy and in ``region``.
    init(options: BenchmarkOptions) async {
        self.options = options
        let generator = AzureEmulator(configuration: Self.baseConfiguration(options), logger: Self.quietLogger("emulator"))
        let raw = await generator.fleet
        let generated = raw.map { vm in
            var vm = vm
            vm.location = Self.region
            return vm
        }
        fleet = switch options.order {
        case .grouped: generated
        case .interleaved: Self.interleaved(generated)
        }
    }

    /// The emulator's budgets: Azure's real ones, except the guest-patch budget per subscription and region.
    var emulatorBudgets: EmulatorBudgets {
        var budgets = EmulatorBudgets.azure
        budgets.guestPatchRegion = .perMinute(capacity: options.burst, refill: Double(options.perMinute))
        return budgets
    }

    /// patchscan's limits: the emulator's budgets (Azure's defaults, and the scaled guest-patch budget), run at
    /// the safety factor.
    var clientLimits: RateLimitSettings {
        RateLimitSettings(
            safetyFactor: options.safety,
            assessPatchesPerRegion: BucketLimit(rate: .perMinute(options.perMinute), burst: options.burst)
        )
    }

    var emulatorConfiguration: EmulatorConfiguration {
        var configuration = Self.baseConfiguration(options)
        configuration.fleet = fleet
        configuration.budgets = emulatorBudgets
        return configuration
    }

    /// The scan settings: polls wait only what the emulator asks, and the deadline outlasts any rate-limit wait.
    var scanSettings: ScanSettings {
        ScanSettings(
            concurrency: options.concurrency, deadline: .seconds(3_600), pollIntervalFloor: .milliseconds(1),
            pollIntervalCeiling: .seconds(120)
        )
    }

    /// The emulator's latency, added to every ARM response.
    var latency: Duration { .milliseconds(options.latencyMs) }

    /// The shortest one assessment can take: its POST, `pollsUntilComplete + 1` status polls each after the poll
    /// delay, and the result GET.
    var assessmentLatency: Duration {
        let requests = options.pollsUntilComplete + 3
        let pollDelay = min(max(.seconds(options.retryAfter), scanSettings.pollIntervalFloor), scanSettings.pollIntervalCeiling)
        return latency * requests + pollDelay * (options.pollsUntilComplete + 1)
    }

    /// Operation reads (status polls and the result GET) per assessment.
    var readsPerAssessment: Int { options.pollsUntilComplete + 2 }

    func settings(baseURL: String, database: String) throws -> Settings {
        guard let url = URL(string: baseURL) else {
            throw BenchmarkError(message: "the emulator's base URL '\(baseURL)' is not a URL")
        }
        let emulator = emulatorConfiguration
        return Settings(
            database: database,
            azure: AzureSettings(resourceManager: url, authorityHost: url),
            credential: CredentialSettings(
                tenantID: emulator.tenantID, clientID: emulator.clientID, secret: .environment(Self.secretVariable)
            ),
            vms: try fleet.map { VMTarget(id: try VMResourceID(parsing: $0.resourceID), location: $0.location, group: $0.resourceGroup) },
            scan: scanSettings,
            rateLimits: clientLimits
        )
    }

    /// A logger that shows only warnings and errors (throttling warnings among them).
    static func quietLogger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }

    private static func baseConfiguration(_ options: BenchmarkOptions) -> EmulatorConfiguration {
        EmulatorConfiguration(
            seed: options.seed,
            subscriptionCount: options.subscriptions,
            vmsPerSubscription: options.vms / options.subscriptions,
            retryAfterSeconds: options.retryAfter,
            pollsUntilComplete: options.pollsUntilComplete,
            latency: .milliseconds(options.latencyMs)
        )
    }

    /// `vms` reordered round-robin over their subscriptions.
    private static func interleaved(_ vms: [EmulatedVM]) -> [EmulatedVM] {
        var bySubscription: [String: [EmulatedVM]] = [:]
        var subscriptions: [String] = []
        for vm in vms {
            if bySubscription[vm.subscriptionID] == nil { subscriptions.append(vm.subscriptionID) }
            bySubscription[vm.subscriptionID, default: []].append(vm)
        }
        let depth = bySubscription.values.map(\.count).max() ?? 0
        return (0..<depth).flatMap { index in
            subscriptions.compactMap { bySubscription[$0]?[safe: index] }
        }
    }
}

/// Why the benchmark could not run.
struct BenchmarkError: Error, CustomStringConvertible {
    let message: String

    var description: String { message }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
