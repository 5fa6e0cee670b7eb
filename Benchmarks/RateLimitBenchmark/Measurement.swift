import AzureEmulator
import Foundation
import Logging
import PatchscanCore

/// What one measured cycle produced: patchscan's summary and every request the emulator saw.
struct Measurement: Sendable {
    let summary: ScanSummary
    let journal: [JournalEntry]
    /// When `runCycle` was called, on the emulator's (real-time) clock.
    let cycleStart: ContinuousClock.Instant

    /// Starts the emulator, scans its fleet once through patchscan's composition root, and collects the journal.
    static func run(_ scenario: Scenario) async throws -> Measurement {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("patchscan-benchmark-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = scenario.emulatorConfiguration
        return try await withAzureEmulator(configuration: configuration, logger: Scenario.quietLogger("emulator")) { running in
            let settings = try scenario.settings(
                baseURL: running.baseURL, database: directory.appendingPathComponent("patchscan.sqlite").path
            )
            let dependencies = Dependencies(environment: [Scenario.secretVariable: configuration.clientSecret])
            let cycleStart = ContinuousClock.now
            let summary = try await withScanner(
                settings: settings, dependencies: dependencies, logger: Scenario.quietLogger("patchscan")
            ) { scanner, _ in
                try await scanner.runCycle(targets: settings.vms)
            }
            return Measurement(summary: summary, journal: await running.emulator.journal(), cycleStart: cycleStart)
        }
    }

    /// The assessPatches POSTs of each guest-patch key (subscription/region): how many, and when the first and last
    /// arrived, measured from ``cycleStart``.
    var postsByRegion: [(key: String, count: Int, first: Duration, last: Duration)] {
        var byKey: [String: [ContinuousClock.Instant]] = [:]
        for entry in journal where entry.kind == .assessPatches {
            byKey[entry.subscriptionRegion ?? "-", default: []].append(entry.at)
        }
        return byKey.map { key, times in
            (key, times.count, cycleStart.duration(to: times.min() ?? cycleStart), cycleStart.duration(to: times.max() ?? cycleStart))
        }
        .sorted { $0.key < $1.key }
    }

    /// How many VMs ended with each outcome.
    var outcomeCounts: [(outcome: String, count: Int)] {
        Dictionary(grouping: summary.outcomes, by: \.outcome).map { ($0.key, $0.value.count) }.sorted { $0.outcome < $1.outcome }
    }
}
