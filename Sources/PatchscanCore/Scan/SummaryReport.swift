import AzureCompute

extension ScanSummary {
    /// A human-readable report: totals, failures by kind, and each flagged VM with its reasons.
    public func report(database: String) -> String {
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
            for vm in flagged.sorted(by: { $0.vm.path.lowercased() < $1.vm.path.lowercased() }) {
                let reasons = vm.flags.map(\.description).joined(separator: "; ")
                lines.append("  \(vm.vm.name) (\(vm.vm.subscriptionID)/\(vm.vm.resourceGroup)): \(reasons)")
            }
        }
        lines.append("")
        lines.append("Results are in \(database).")
        return lines.joined(separator: "\n")
    }
}
