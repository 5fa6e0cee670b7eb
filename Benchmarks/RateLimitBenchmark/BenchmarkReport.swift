import AzureEmulator
import Foundation
import PatchscanCore

/// The benchmark's verdict and the text it prints.
struct BenchmarkReport {
    let scenario: Scenario
    let measurement: Measurement

    /// The client's bounds (what patchscan allows itself), binding first.
    var clientBounds: [BucketBound] {
        LowerBound.bounds(LowerBound.clientClasses(scenario.clientLimits, scenario: scenario), fleet: scenario.fleet)
    }

    /// The emulator's bounds (what Azure would allow), binding first.
    var emulatorBounds: [BucketBound] {
        LowerBound.bounds(LowerBound.emulatorClasses(scenario.emulatorBudgets, scenario: scenario), fleet: scenario.fleet)
    }

    var concurrencyBound: Duration {
        LowerBound.concurrencyBound(
            vms: scenario.fleet.count, concurrency: scenario.options.concurrency, assessment: scenario.assessmentLatency
        )
    }

    /// The lower bound at the client's budgets: the largest of every bucket's and the concurrency cap's.
    var lowerBound: Duration {
        max(clientBounds.first?.bound ?? .zero, concurrencyBound)
    }

    var ratio: Double { measurement.summary.duration / lowerBound }

    var throttled: [BudgetName: Int] { BudgetAudit.throttledCountsByBudget(measurement.journal) }

    var throttledTotal: Int { BudgetAudit.throttledCounts(measurement.journal).values.reduce(0, +) }

    var passed: Bool {
        ratio <= scenario.options.targetRatio && throttledTotal == 0
            && measurement.summary.succeededCount == scenario.fleet.count
    }

    var text: String {
        var lines: [String] = []
        let options = scenario.options
        let limits = scenario.clientLimits
        let region = limits.assessPatchesPerRegion
        lines.append("patchscan rate-limit benchmark")
        lines.append(
            "scenario: \(scenario.fleet.count) VMs, \(options.subscriptions) subscriptions × \(scenario.fleet.count / options.subscriptions) VMs, "
                + "1 region each, order \(options.order.rawValue), concurrency \(options.concurrency), latency \(options.latencyMs) ms, "
                + "pollsUntilComplete \(options.pollsUntilComplete), Retry-After \(options.retryAfter) s"
        )
        lines.append(
            "guest-patch budget per subscription/region: emulator burst \(options.burst), \(options.perMinute)/min; "
                + "client (safety \(options.safety)) capacity \(format(region.capacity(safetyFactor: limits.safetyFactor), 0)), "
                + "\(format(region.refillPerSecond(safetyFactor: limits.safetyFactor) * 60, 1))/min"
        )
        lines.append("other budgets: Azure's (client at the same safety factor)")
        lines.append("")
        lines.append("lower bound at the client's budgets (what patchscan allows itself):")
        lines += boundTable(clientBounds)
        lines.append("  scan.concurrency: ⌈\(scenario.fleet.count)/\(options.concurrency)⌉ × \(format(scenario.assessmentLatency)) = \(format(concurrencyBound))")
        lines.append("lower bound at the emulator's budgets (context):")
        lines += boundTable(emulatorBounds)
        lines.append("")
        lines.append("assessPatches POSTs per guest-patch key (from the cycle's start):")
        for posts in measurement.postsByRegion {
            lines.append("  \(posts.key): \(posts.count) POSTs, first at \(format(posts.first)), last at \(format(posts.last))")
        }
        lines.append("budget audit against the emulator's budgets (tolerance 1 token):")
        let audits = BudgetAudit.checkAll(measurement.journal, budgets: scenario.emulatorBudgets, tolerance: 1)
        for name in BudgetName.allCases {
            if let audit = audits[name] { lines.append("  \(name.rawValue): \(audit)") }
        }
        let own = BudgetAudit.check(
            measurement.journal, budget: .guestPatchRegion,
            limit: EmulatorBudgets.Bucket(
                capacity: Int(region.capacity(safetyFactor: limits.safetyFactor)),
                refillPerSecond: region.refillPerSecond(safetyFactor: limits.safetyFactor)
            ),
            tolerance: 1
        )
        lines.append("  guest_patch_region at the client's own budget: \(own)")
        lines.append("")
        let outcomes = measurement.outcomeCounts.map { "\($0.outcome) \($0.count)" }.joined(separator: ", ")
        lines.append("outcomes: \(outcomes)")
        let byBudget = throttled.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        lines.append("429s: \(throttledTotal)" + (byBudget.isEmpty ? "" : " (\(byBudget.joined(separator: ", ")))"))
        lines.append("requests: \(measurement.journal.count)")
        lines.append("cycle wall time: \(format(measurement.summary.duration))")
        lines.append("lower bound:     \(format(lowerBound))")
        lines.append("ratio:           \(format(ratio, 3)) (target ≤ \(options.targetRatio), 0 429s)")
        lines.append(passed ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }

    private func boundTable(_ bounds: [BucketBound]) -> [String] {
        bounds.map { bound in
            let bucket = bound.bucket
            return "  \(bucket.name): \(bound.requests) requests at the busiest key, capacity \(format(bucket.capacity, 0)), "
                + "\(format(bucket.refillPerSecond, 3))/s → drain \(format(bound.drain)) + tail \(format(bucket.tail)) = \(format(bound.bound))"
        }
    }

    private func format(_ duration: Duration) -> String {
        "\(format(duration / .seconds(1), 3)) s"
    }

    private func format(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
