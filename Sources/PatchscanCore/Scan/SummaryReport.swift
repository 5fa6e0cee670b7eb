import AzureCompute

extension ScanSummary {
    /// A human-readable report: totals, failures by kind, and the flagged VMs with their reasons.
    /// - Parameter listingAtMost: How many flagged VMs to list; the rest are counted.
    public func report(database: String, listingAtMost limit: Int = .max) -> String {
        var lines = [
            "patchscan run \(runID): \(outcomes.count) VMs in \(Double(duration.milliseconds) / 1000) s",
            "  assessed: \(succeededCount)   failed: \(failedCount)   flagged: \(flagged.count)",
        ]
        if !failuresByOutcome.isEmpty {
            let parts = failuresByOutcome.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("  failures: " + parts.joined(separator: ", "))
        }
        if !flagged.isEmpty {
            lines.append("")
            lines.append("Flagged VMs:")
            let sorted = flagged.sorted { $0.vm.path.lowercased() < $1.vm.path.lowercased() }
            for vm in sorted.prefix(limit) {
                let reasons = vm.flags.map(\.description).joined(separator: "; ")
                lines.append("  \(vm.vm.name) (\(vm.vm.subscriptionID)/\(vm.vm.resourceGroup)): \(reasons)")
            }
            if sorted.count > limit {
                lines.append("  … and \(sorted.count - limit) more (table flag, run_id \(runID))")
            }
        }
        lines.append("")
        lines.append("Results are in \(database).")
        return lines.joined(separator: "\n")
    }
}
