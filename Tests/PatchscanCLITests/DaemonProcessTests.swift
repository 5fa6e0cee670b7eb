import AsyncHTTPClient
import AzureEmulator
import Foundation
import Logging
import NIOCore
import PatchscanStore
import Subprocess
import Testing

@Suite("patchscan run: the daemon as a real process")
struct DaemonProcessTests {
    @Test("SIGTERM mid-operation exits 0 leaving it pending; the next start resumes it with no second POST, even one held elsewhere at start")
    func restartResumesOperations() async throws {
        let daemon = try DaemonProcess()
        // Each operation answers InProgress to four polls a second apart: long enough to stop the daemon mid-poll.
        let configuration = EmulatorConfiguration(
            seed: 21, subscriptionCount: 1, vmsPerSubscription: 4, retryAfterSeconds: 1, pollsUntilComplete: 4
        )
        try await withAzureEmulator(configuration: configuration, logger: Logger(label: "emulator")) { running in
            let fleet = await running.emulator.fleet
            try daemon.writeConfig(baseURL: running.baseURL, configuration: configuration, fleet: fleet)

            let first = try await daemon.run(secret: configuration.clientSecret) { execution in
                try await daemon.waitUntilReady()
                try await eventually("every VM has a persisted operation") {
                    try await Self.store(daemon)?.pendingOperations().count == fleet.count
                }
                try execution.send(signal: .terminate)
            }
            #expect(first.exitCode == 0, "\(first.log)")
            let afterStop = try #require(try await Self.store(daemon))
            #expect(try await afterStop.pendingOperations().count == fleet.count)
            #expect(try await afterStop.scheduledVMs(resourceIDs: fleet.map(\.resourceID)).allSatisfy { $0.lastAssessedAt == nil })
            #expect(!first.log.contains("/operations/"), "operation URLs must not be logged")
            // A manual scan holds one of them when the daemon starts again; its claim lapses without a result.
            let heldVM = try #require(try await afterStop.pendingOperations().first?.vmID)
            _ = try await afterStop.claimVMs(
                [heldVM], owner: "scan@elsewhere:1", now: Date(), until: Date().addingTimeInterval(2)
            )

            let second = try await daemon.run(secret: configuration.clientSecret) { execution in
                try await eventually("every VM is assessed") {
                    let store = try await Self.store(daemon)
                    let scheduled = try await store?.scheduledVMs(resourceIDs: fleet.map(\.resourceID)) ?? []
                    return scheduled.count == fleet.count && scheduled.allSatisfy { $0.lastAssessedAt != nil }
                }
                try execution.send(signal: .terminate)
            }
            #expect(second.exitCode == 0, "\(second.log)")
            let store = try #require(try await Self.store(daemon))
            #expect(try await store.pendingOperations().isEmpty)
            let journal = await running.emulator.journal()
            for vm in fleet {
                #expect(journal.count { $0.kind == .assessPatches && $0.vmResourceID == vm.resourceID.lowercased() } == 1)
            }
            let runs = try await (1...3).asyncCompactMap { try await store.run(id: $0) }
            let assessments = try await runs.asyncFlatMap { try await store.assessments(runID: $0.id) }
            #expect(assessments.count == fleet.count)
            #expect(assessments.allSatisfy { $0.outcome == "succeeded" })
            #expect(runs.allSatisfy { $0.status != .running })
        }
    }

    @Test("while operations finish within the shutdown grace, the watchdog keeps being pinged and the results land")
    func watchdogDuringShutdownGrace() async throws {
        let daemon = try DaemonProcess()
        // Each operation answers InProgress for about ten seconds, far longer than the one-second watchdog ping.
        let configuration = EmulatorConfiguration(
            seed: 25, subscriptionCount: 1, vmsPerSubscription: 2, retryAfterSeconds: 1, pollsUntilComplete: 10
        )
        try await withAzureEmulator(configuration: configuration, logger: Logger(label: "emulator")) { running in
            let fleet = await running.emulator.fleet
            try daemon.writeConfig(baseURL: running.baseURL, configuration: configuration, fleet: fleet, shutdownGrace: "60s")
            let result = try await daemon.run(secret: configuration.clientSecret, environment: ["WATCHDOG_USEC": "2000000"]) { execution in
                try await daemon.waitUntilReady()
                try await eventually("every VM has a persisted operation") {
                    try await Self.store(daemon)?.pendingOperations().count == fleet.count
                }
                try execution.send(signal: .terminate)
                // One ping may already have been due when the signal came; a second proves the pings go on.
                try await eventually("two watchdog pings after STOPPING=1") {
                    let messages = daemon.notify.drain()
                    guard let stopping = messages.firstIndex(of: "STOPPING=1") else { return false }
                    return messages[stopping...].count { $0 == "WATCHDOG=1" } >= 2
                }
            }
            #expect(result.exitCode == 0, "\(result.log)")
            let store = try #require(try await Self.store(daemon))
            #expect(try await store.pendingOperations().isEmpty, "the operations finished within the grace")
        }
    }

    @Test("SIGHUP applies a valid config and keeps the old one for an invalid one; sd_notify and /metrics report it")
    func reloadNotifyAndMetrics() async throws {
        let daemon = try DaemonProcess()
        let configuration = EmulatorConfiguration(seed: 22, subscriptionCount: 1, vmsPerSubscription: 3)
        try await withAzureEmulator(configuration: configuration, logger: Logger(label: "emulator")) { running in
            let fleet = await running.emulator.fleet
            let initial = Array(fleet.prefix(2))
            try daemon.writeConfig(baseURL: running.baseURL, configuration: configuration, fleet: initial)
            func assessed(_ vms: [EmulatedVM]) async throws -> Bool {
                let scheduled = try await Self.store(daemon)?.scheduledVMs(resourceIDs: vms.map(\.resourceID)) ?? []
                return scheduled.count == vms.count && scheduled.allSatisfy { $0.lastAssessedAt != nil }
            }
            var metrics = ""
            let result = try await daemon.run(secret: configuration.clientSecret) { execution in
                try await daemon.waitUntilReady()
                try await eventually("the first VMs are assessed") { try await assessed(initial) }

                try "vms: [".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
                try execution.send(signal: .terminalClosed)
                try await eventually("the invalid configuration is rejected") {
                    daemon.log.contains("The new configuration is invalid; keeping the one in force")
                }

                try daemon.writeConfig(baseURL: running.baseURL, configuration: configuration, fleet: fleet)
                try execution.send(signal: .terminalClosed)
                try await eventually("the VM added by the reload is assessed") { try await assessed(fleet) }

                let port = try #require(Self.metricsPort(in: daemon.log), "no metrics port in \(daemon.log)")
                metrics = try await Self.get("http://127.0.0.1:\(port)/metrics")
                try execution.send(signal: .terminate)
            }
            #expect(result.exitCode == 0, "\(result.log)")
            let messages = daemon.notify.drain()

            #expect(messages.first == "READY=1")
            #expect(messages.contains { $0.hasPrefix("STATUS=cycle ") })
            #expect(messages.filter { $0.hasPrefix("RELOADING=1") }.count == 2)
            #expect(messages.contains("STOPPING=1"))

            #expect(metrics.contains(#"patchscan_config_reloads_total{result="applied"} 1"#))
            #expect(metrics.contains(#"patchscan_config_reloads_total{result="rejected"} 1"#))
            #expect(metrics.contains(#"patchscan_assessments_total{outcome="succeeded"} 3"#))
            #expect(metrics.contains("patchscan_azure_requests_total{"))
            #expect(metrics.contains("patchscan_lro_in_flight 0.0"), "every operation started has ended")
            #expect(metrics.contains(#"patchscan_vms{state="configured"}"#))
            #expect(!metrics.contains(fleet[0].name), "no VM names or ids as labels")
        }
    }

    @Test("a restarted daemon reports the flagged VMs and the last finished run from the database at once")
    func restartReportsStoredState() async throws {
        let daemon = try DaemonProcess()
        let configuration = EmulatorConfiguration(seed: 23, subscriptionCount: 1, vmsPerSubscription: 8)
        try await withAzureEmulator(configuration: configuration, logger: Logger(label: "emulator")) { running in
            let fleet = await running.emulator.fleet
            try daemon.writeConfig(baseURL: running.baseURL, configuration: configuration, fleet: fleet)
            // An earlier process's work: a manual scan, after which no VM is due for an hour.
            let scan = try await PatchscanBinary.run(
                ["scan", "--config", daemon.configPath], environment: ["PATCHSCAN_TEST_SECRET": configuration.clientSecret]
            )
            #expect(scan.exitCode == 2, "the seeded fleet has flagged VMs: \(scan.standardError)")
            let store = try #require(try await Self.store(daemon))
            let finishedAt = try #require(try await store.run(id: 1)?.finishedAt)
            let flags = try await store.flags(runID: 1)

            var metrics = ""
            let result = try await daemon.run(secret: configuration.clientSecret) { execution in
                try await daemon.waitUntilReady()
                try await eventually("the metrics server listens") { Self.metricsPort(in: daemon.log) != nil }
                metrics = try await Self.get("http://127.0.0.1:\(try #require(Self.metricsPort(in: daemon.log)))/metrics")
                try execution.send(signal: .terminate)
            }
            #expect(result.exitCode == 0, "\(result.log)")
            #expect(await running.emulator.journal().count { $0.kind == .assessPatches } == fleet.count, "the daemon assessed nothing")
            #expect(!flags.isEmpty)
            for kind in ["reboot_pending", "critical_and_security_patches", "other_patches"] {
                let flagged = Set(flags.filter { $0.kind == kind }.map(\.vmID)).count
                #expect(metrics.contains(#"patchscan_vms_flagged{kind="\#(kind)"} \#(flagged).0"#), "\(metrics)")
            }
            let timestamp = metrics.split(separator: "\n")
                .first { $0.hasPrefix("patchscan_last_successful_cycle_timestamp_seconds ") }
                .flatMap { $0.split(separator: " ").last }
                .flatMap { Double($0) }
            #expect(abs((timestamp ?? 0) - finishedAt.timeIntervalSince1970) < 0.001, "\(metrics)")
        }
    }

    @Test("a second daemon on the same database refuses to start and names the first one's pid")
    func oneDaemonPerDatabase() async throws {
        let daemon = try DaemonProcess()
        let configuration = EmulatorConfiguration(seed: 24, subscriptionCount: 1, vmsPerSubscription: 2)
        try await withAzureEmulator(configuration: configuration, logger: Logger(label: "emulator")) { running in
            try daemon.writeConfig(baseURL: running.baseURL, configuration: configuration, fleet: await running.emulator.fleet)
            var second: PatchscanBinary.Output?
            let first = try await daemon.run(secret: configuration.clientSecret) { execution in
                try await daemon.waitUntilReady()
                second = try await PatchscanBinary.run(
                    ["run", "--config", daemon.configPath], environment: ["PATCHSCAN_TEST_SECRET": configuration.clientSecret]
                )
                try execution.send(signal: .terminate)
            }
            #expect(first.exitCode == 0, "\(first.log)")
            let refused = try #require(second)
            #expect(refused.exitCode == 1)
            #expect(refused.standardError.contains("another patchscan daemon is already running"), "\(refused.standardError)")
            #expect(refused.standardError.contains("(pid "), "\(refused.standardError)")
        }
    }

    static func store(_ daemon: DaemonProcess) async throws -> PatchscanStore? {
        guard FileManager.default.fileExists(atPath: daemon.databasePath) else { return nil }
        return try PatchscanStore(path: daemon.databasePath)
    }

    static func metricsPort(in log: String) -> Int? {
        guard let match = log.firstMatch(of: /"metrics\.port":"?(\d+)/) else { return nil }
        return Int(match.1)
    }

    static func get(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return String(buffer: body)
    }
}

extension Sequence {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var values: [T] = []
        for element in self {
            if let value = try await transform(element) { values.append(value) }
        }
        return values
    }

    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values += try await transform(element) }
        return values
    }
}
