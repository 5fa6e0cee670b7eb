import Foundation
import Logging
import PatchscanCore
import Testing

/// What a reload puts in force, what it keeps, and what it hands to the parts built at start-up.
struct ConfigReloaderTests {
    actor Events {
        var applied: [Settings] = []
        var finished: [Bool] = []
        func apply(_ settings: Settings) { applied.append(settings) }
        func finish(_ ok: Bool) { finished.append(ok) }
    }

    static func reloader(path: String, holder: SettingsHolder, events: Events) -> ConfigReloader<AsyncStream<Void>> {
        ConfigReloader(
            path: path,
            holder: holder,
            requests: AsyncStream { $0.finish() },
            events: .init(started: {}, apply: { await events.apply($0) }, finished: { await events.finish($0) }),
            logger: Logger(label: "test")
        )
    }

    @Test func aValidFileHandsNewRateLimitsAndCapsOnAndKeepsWhatNeedsARestart() async throws {
        let initial = try SettingsSection.parse("scan: { concurrency: 4 }\n")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).yaml").path
        try (SettingsSection.minimalYAML.replacingOccurrences(of: "/tmp/patchscan-test.sqlite", with: "/tmp/other.sqlite") + """
            scan: { concurrency: 9, pollInterval: { floor: 1s, ceiling: 9s } }
            rateLimits: { maxConcurrentPerSubscription: 2, assessPatches: { perRegion: { rate: 50/min, burst: 100 } } }
            metrics: { address: "127.0.0.1:9999" }
            """).write(toFile: path, atomically: true, encoding: .utf8)
        let holder = SettingsHolder(initial)
        let events = Events()

        await Self.reloader(path: path, holder: holder, events: events).reload()

        let handedOn = try #require(await events.applied.first)
        #expect(await events.finished == [true])
        #expect(await holder.current == handedOn)
        #expect(handedOn.scan.concurrency == 9)
        #expect(handedOn.rateLimits.maxConcurrentPerSubscription == 2)
        #expect(handedOn.rateLimits.assessPatchesPerRegion == BucketLimit(rate: .perMinute(50), burst: 100))
        #expect(handedOn.database == initial.database)
        #expect(handedOn.scan.pollIntervalFloor == initial.scan.pollIntervalFloor)
        #expect(handedOn.scan.pollIntervalCeiling == initial.scan.pollIntervalCeiling)
        #expect(handedOn.metrics == initial.metrics)
    }

    @Test func anInvalidFileKeepsTheSettingsAndHandsNothingOn() async throws {
        let initial = try SettingsSection.parse("")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString).yaml").path
        try "vms: [".write(toFile: path, atomically: true, encoding: .utf8)
        let holder = SettingsHolder(initial)
        let events = Events()

        await Self.reloader(path: path, holder: holder, events: events).reload()

        #expect(await events.applied.isEmpty)
        #expect(await events.finished == [false])
        #expect(await holder.current == initial)
        #expect(await holder.generation == 0)
    }
}
