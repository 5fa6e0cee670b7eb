import AzureEmulator
import Foundation
import Logging
import PatchscanStore
import Testing

@Suite("The patchscan binary")
struct CLITests {
    @Test("check-config reports every problem with key path and line, exit 1")
    func checkConfigErrors() async throws {
        let directory = try PatchscanBinary.temporaryDirectory()
        let config = directory.appendingPathComponent("bad.yaml")
        try """
            database: /tmp/x.sqlite
            credential:
              tenantId: t
              clientId: c
              secretEnv: SECRET
            vms:
              - /subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1
            scan:
              concurency: 4
              deadline: -5m
            """.write(to: config, atomically: true, encoding: .utf8)
        let output = try await PatchscanBinary.run(["check-config", "--config", config.path])
        #expect(output.exitCode == 1)
        #expect(output.standardError.contains("bad.yaml:9:3: scan.concurency"))
        #expect(output.standardError.contains("did you mean 'concurrency'"))
        #expect(output.standardError.contains(":10:"))
        #expect(output.standardError.contains("scan.deadline"))
    }

    @Test("check-config accepts the shipped example, exit 0")
    func checkConfigExample() async throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/patchscan.example.yaml")
        let output = try await PatchscanBinary.run(["check-config", "--config", example.path])
        #expect(output.exitCode == 0)
        #expect(output.standardOutput.contains("OK"))
    }

    @Test("scan against the emulator: summary on stdout, results in SQLite, exit 2 when VMs are flagged")
    func scanFlagged() async throws {
        let directory = try PatchscanBinary.temporaryDirectory()
        let database = directory.appendingPathComponent("scan.sqlite").path
        let configuration = EmulatorConfiguration(seed: 11, subscriptionCount: 2, vmsPerSubscription: 10)
        let output = try await withAzureEmulator(configuration: configuration, logger: Logger(label: "emulator")) { running in
            let fleet = await running.emulator.fleet
            let config = directory.appendingPathComponent("patchscan.yaml")
            try Self.yaml(baseURL: running.baseURL, database: database, configuration: configuration, fleet: fleet)
                .write(to: config, atomically: true, encoding: .utf8)
            return try await PatchscanBinary.run(
                ["scan", "--config", config.path], environment: ["PATCHSCAN_TEST_SECRET": configuration.clientSecret]
            )
        }
        #expect(output.exitCode == 2, "\(output.standardError)")
        #expect(output.standardOutput.contains("20 VMs"))
        #expect(output.standardOutput.contains("Flagged VMs:"))
        #expect(!output.standardError.contains(configuration.clientSecret))

        let store = try PatchscanStore(path: database)
        let run = try #require(try await store.run(id: 1))
        #expect(run.status == .completed)
        #expect(run.succeededCount == 20)
        #expect(try await store.flags(runID: 1).count > 0)
    }

    @Test("a missing secret stops the scan with exit 1 and names the variable")
    func missingSecret() async throws {
        let directory = try PatchscanBinary.temporaryDirectory()
        let config = directory.appendingPathComponent("patchscan.yaml")
        try Self.yaml(
            baseURL: "http://127.0.0.1:9", database: directory.appendingPathComponent("db.sqlite").path,
            configuration: EmulatorConfiguration(), fleet: [
                EmulatedVM.generate(
                    subscriptionID: "00000000-0000-0000-0000-000000000001", resourceGroup: "rg", name: "vm1",
                    location: "eastus", osType: .linux, behavior: .healthy, seed: 1)
            ]
        ).write(to: config, atomically: true, encoding: .utf8)
        let output = try await PatchscanBinary.run(["scan", "--config", config.path], environment: ["PATCHSCAN_TEST_SECRET": ""])
        #expect(output.exitCode == 1)
        #expect(output.standardError.contains("PATCHSCAN_TEST_SECRET"))
    }

    /// A configuration for `fleet` on the emulator at `baseURL`; `pollCeiling` caps the emulator's Retry-After, and
    /// `extra` is appended (top-level sections such as `schedule:`).
    static func yaml(
        baseURL: String, database: String, configuration: EmulatorConfiguration, fleet: [EmulatedVM],
        pollCeiling: String = "50ms", extra: String = ""
    ) -> String {
        """
        database: \(database)
        azure:
          resourceManager: \(baseURL)
          authorityHost: \(baseURL)
        credential:
          tenantId: \(configuration.tenantID)
          clientId: \(configuration.clientID)
          secretEnv: PATCHSCAN_TEST_SECRET
        vms:
        \(fleet.map { "  - id: \($0.resourceID)\n    location: \($0.location)" }.joined(separator: "\n"))
        scan:
          concurrency: 8
          deadline: 30s
          pollInterval:
            floor: 1ms
            ceiling: \(pollCeiling)
        thresholds:
          rebootPending: true
          criticalAndSecurityPatchCount: 1
        \(extra)
        """
    }
}
