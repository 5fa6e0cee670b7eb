import AzureCompute
import AzureEmulator
import Foundation
import Logging
import PatchscanCore
import PatchscanStore
import Testing

/// Runs the real composition root against an in-process emulator over loopback HTTP.
struct ScanHarness {
    static let secretVariable = "PATCHSCAN_TEST_SECRET"

    var emulator: EmulatorConfiguration
    var scan = ScanSettings(concurrency: 16, deadline: .seconds(60), pollIntervalFloor: .milliseconds(1), pollIntervalCeiling: .milliseconds(50))
    var thresholds = Thresholds(rebootPending: true, criticalAndSecurityPatchCount: 1, otherPatchCount: 20)
    /// Rate limits far above what the tests send, unless a test is about rate limits.
    var rateLimits = RateLimitSettings.unconstrained
    /// The clock the scan runs on; it may watch the emulator (see ``GatedClock``).
    var clock: @Sendable (AzureEmulator) -> any Clock<Duration> = { _ in ContinuousClock() }

    init(emulator: EmulatorConfiguration) {
        self.emulator = emulator
    }

    /// A fresh database path in a temporary directory.
    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("patchscan-tests-\(UUID().uuidString)", isDirectory: true)
            .appendingPathComponent("patchscan.sqlite").path
    }

    func settings(baseURL: String, fleet: [EmulatedVM], database: String) throws -> Settings {
        let url = try #require(URL(string: baseURL))
        return Settings(
            database: database,
            azure: AzureSettings(resourceManager: url, authorityHost: url),
            credential: CredentialSettings(
                tenantID: emulator.tenantID, clientID: emulator.clientID, secret: .environment(Self.secretVariable)
            ),
            vms: try fleet.map { VMTarget(id: try VMResourceID(parsing: $0.resourceID), location: $0.location, group: $0.resourceGroup) },
            scan: scan,
            thresholds: thresholds,
            rateLimits: rateLimits
        )
    }

    /// Scans the whole emulated fleet once; `prepare` runs before the first cycle, `between` after each.
    func run(
        cycles: Int = 1,
        database: String = ScanHarness.temporaryDatabase(),
        between: @Sendable (RunningEmulator) async throws -> Void = { _ in },
        prepare: @Sendable (RunningEmulator) async throws -> Void = { _ in }
    ) async throws -> ScanRunResult {
        try await withAzureEmulator(configuration: emulator, logger: Logger(label: "emulator")) { running in
            try await prepare(running)
            let fleet = await running.emulator.fleet
            let settings = try settings(baseURL: running.baseURL, fleet: fleet, database: database)
            let dependencies = Dependencies(
                environment: [Self.secretVariable: emulator.clientSecret], clock: clock(running.emulator), jitter: { $0 }
            )
            var summaries: [ScanSummary] = []
            let store = try await withScanner(settings: settings, dependencies: dependencies, logger: Logger(label: "test")) { scanner, store in
                for _ in 0..<cycles {
                    summaries.append(try await scanner.runCycle(targets: settings.vms))
                    try await between(running)
                }
                return store
            }
            return ScanRunResult(summaries: summaries, store: store, fleet: fleet, journal: await running.emulator.journal())
        }
    }
}

struct ScanRunResult: Sendable {
    var summaries: [ScanSummary]
    var store: PatchscanStore
    var fleet: [EmulatedVM]
    var journal: [JournalEntry]

    var summary: ScanSummary { summaries[summaries.count - 1] }

    func vm(named name: String) -> EmulatedVM? { fleet.first { $0.name == name } }
}

extension Array where Element == JournalEntry {
    func count(_ kind: JournalEntry.Kind, vm: EmulatedVM? = nil) -> Int {
        self.count { $0.kind == kind && (vm == nil || $0.vmResourceID == vm?.resourceID.lowercased()) }
    }
}

extension RateLimitSettings {
    /// Budgets no test reaches, so tests about other things never wait for rate limits.
    static let unconstrained: RateLimitSettings = {
        let huge = BucketLimit(rate: .perSecond(1_000_000), burst: 1_000_000)
        return RateLimitSettings(
            safetyFactor: 1, assessPatchesPerRegion: huge, assessPatchesPerVM: huge, armWrites: huge, armReads: huge, pollsPerVM: huge
        )
    }()
}
