import ArgumentParser
import PatchscanCore

/// The order in which the benchmark lists the VMs in `vms`.
enum TargetOrder: String, CaseIterable, ExpressibleByArgument {
    /// Subscription by subscription, as the emulator generates the fleet and as discovery lists it.
    case grouped
    /// Round-robin over subscriptions, so every subscription has VMs near the front of the list.
    case interleaved
}

/// The scenario's knobs; every default is the scenario of issue 3's benchmark.
struct BenchmarkOptions: ParsableArguments {
    @Option(help: "VMs in the fleet, spread evenly over the subscriptions.")
    var vms = 2_000

    @Option(help: "Subscriptions; each holds its VMs in one region.")
    var subscriptions = 4

    @Option(help: "Emulator's guest-patch budget per subscription and region: burst (Azure: 600).")
    var burst = 50

    @Option(help: "Emulator's guest-patch budget per subscription and region: refill per minute (Azure: 200).")
    var perMinute = 450

    @Option(help: "Latency the emulator adds to every ARM response, in milliseconds.")
    var latencyMs = 20

    @Option(help: "patchscan's rateLimits.safetyFactor: its buckets run at this share of the emulator's budgets.")
    var safety = RateLimitSettings.defaultSafetyFactor

    @Option(help: "patchscan's scan.concurrency: assessments in flight at once.")
    var concurrency = 200

    @Option(help: "Status polls the emulator answers InProgress before an operation completes.")
    var pollsUntilComplete = 1

    @Option(help: "Retry-After (seconds) the emulator sends on 202s and polls.")
    var retryAfter = 0

    @Option(help: "Order of the VMs in the configuration: grouped (by subscription) or interleaved.")
    var order = TargetOrder.grouped

    @Option(help: "Seed of the generated fleet.")
    var seed: UInt64 = 1

    @Option(help: "Highest cycle time / lower bound that passes.")
    var targetRatio = 1.05

    func validate() throws {
        guard subscriptions >= 1, vms >= subscriptions, vms % subscriptions == 0 else {
            throw ValidationError("--vms (\(vms)) must be a positive multiple of --subscriptions (\(subscriptions))")
        }
        guard burst >= 1, perMinute >= 1 else {
            throw ValidationError("--burst and --per-minute must be at least 1")
        }
        guard latencyMs >= 0, pollsUntilComplete >= 0, retryAfter >= 0 else {
            throw ValidationError("--latency-ms, --polls-until-complete and --retry-after must not be negative")
        }
        guard safety > 0, safety <= 1 else {
            throw ValidationError("--safety must be in (0, 1] (got \(safety))")
        }
        guard concurrency >= 1 else {
            throw ValidationError("--concurrency must be at least 1")
        }
    }
}
