import ArgumentParser
import Foundation
import AzureEmulator
import Logging
import Yams

struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve the Azure emulator (token, assessPatches and its long-running operation) until interrupted."
    )

    @Option(help: "Address to listen on (keep it on loopback).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "Number of simulated subscriptions.")
    var subscriptions = 1

    @Option(help: "Simulated VMs per subscription.")
    var vmsPerSubscription = 3

    @Option(help: "Seed of the simulated fleet.")
    var seed: UInt64 = 1

    @Option(help: "Tenant id the token endpoint accepts.")
    var tenantId = "demo-tenant"

    @Option(help: "Client id the token endpoint accepts.")
    var clientId = "demo-client"

    @Option(help: "Name of the environment variable holding the client secret the token endpoint accepts.")
    var secretEnv = "PATCHSCAN_DEMO_CLIENT_SECRET"

    @Option(help: "Seconds sent in Retry-After on 202 and polls.")
    var retryAfter = 1

    @Option(help: "Write a patchscan configuration for this emulator and its fleet to this file once listening.")
    var writeConfig: String?

    @Option(help: "Multiply every throttling budget (burst and refill) by this factor; 1 enforces Azure's real limits. See docs/emulator.md.")
    var budgetScale = 1.0

    @Flag(help: "Enforce no throttling budget (the options below still enable the ones they name).")
    var unlimitedBudgets = false

    @Option(help: "assessPatches budget per subscription and region: refill per minute (Azure: 200).")
    var guestPatchPerMinute: Double?

    @Option(help: "assessPatches budget per subscription and region: burst (Azure: 600).")
    var guestPatchBurst: Int?

    @Option(help: "assessPatches budget per VM: refill per minute (Azure: 2).")
    var vmGuestPatchPerMinute: Double?

    @Option(help: "assessPatches budget per VM: burst (Azure: 6).")
    var vmGuestPatchBurst: Int?

    @Option(help: "ARM write budget per subscription: refill per second (Azure: 10).")
    var armWritesPerSecond: Double?

    @Option(help: "ARM write budget per subscription: burst (Azure: 200).")
    var armWritesBurst: Int?

    @Option(help: "ARM read budget per subscription: refill per second (Azure: 25).")
    var armReadsPerSecond: Double?

    @Option(help: "ARM read budget per subscription: burst (Azure: 250).")
    var armReadsBurst: Int?

    @Option(help: "Seconds sent in Retry-After on the Compute RP's 429s (default 60; Azure sends up to 1200).")
    var computeRetryAfter: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard budgetScale > 0 else {
            throw ValidationError("--budget-scale must be above 0 (got \(budgetScale)); use --unlimited-budgets to enforce none.")
        }
    }

    func run() async throws {
        let logger = global.bootstrapLogging()
        guard let secret = ProcessInfo.processInfo.environment[secretEnv], !secret.isEmpty else {
            printError("patchscan emulator: set \(secretEnv) to the client secret the emulator should accept")
            throw ExitStatus.couldNotRun
        }
        var configuration = EmulatorConfiguration()
        configuration.seed = seed
        configuration.subscriptionCount = subscriptions
        configuration.vmsPerSubscription = vmsPerSubscription
        configuration.tenantID = tenantId
        configuration.clientID = clientId
        configuration.clientSecret = secret
        configuration.retryAfterSeconds = retryAfter
        configuration.budgets = budgets()
        let emulator = AzureEmulator(configuration: configuration, logger: logger)
        let fleet = await emulator.fleet
        try await emulator.run(host: host, port: port) { [self] bound in
            let baseURL = "http://\(host):\(bound)"
            print("Azure emulator listening on \(baseURL) with \(fleet.count) VMs:")
            for vm in fleet { print("  \(vm.resourceID)") }
            if let writeConfig {
                do {
                    try EmulatorScanConfiguration(baseURL: baseURL, command: self, fleet: fleet).write(to: writeConfig)
                    print("Wrote \(writeConfig): scan it with `patchscan scan --config \(writeConfig)` (with \(secretEnv) set).")
                } catch {
                    printError("patchscan emulator: could not write \(writeConfig): \(error)")
                }
            }
        }
    }
}

extension EmulatorCommand {
    /// Azure's budgets (or none), scaled, then the explicit per-bucket options.
    func budgets() -> EmulatorBudgets {
        var budgets = (unlimitedBudgets ? EmulatorBudgets.unlimited : EmulatorBudgets.azure).scaled(by: budgetScale)
        let overrides: [(BudgetName, burst: Int?, refillPerSecond: Double?)] = [
            (.guestPatchRegion, guestPatchBurst, guestPatchPerMinute.map { $0 / 60 }),
            (.guestPatchVM, vmGuestPatchBurst, vmGuestPatchPerMinute.map { $0 / 60 }),
            (.armWrites, armWritesBurst, armWritesPerSecond),
            (.armReads, armReadsBurst, armReadsPerSecond),
        ]
        for (name, burst, refillPerSecond) in overrides where burst != nil || refillPerSecond != nil {
            guard var bucket = budgets[name] ?? EmulatorBudgets.azure[name] else { continue }
            bucket.capacity = burst ?? bucket.capacity
            bucket.refillPerSecond = refillPerSecond ?? bucket.refillPerSecond
            budgets[name] = bucket
        }
        budgets.computeRetryAfterSeconds = computeRetryAfter ?? budgets.computeRetryAfterSeconds
        return budgets
    }
}

/// A patchscan configuration that scans a running emulator, written with `--write-config`.
struct EmulatorScanConfiguration: Encodable {
    struct Azure: Encodable {
        var resourceManager: String
        var authorityHost: String
    }
    struct Credential: Encodable {
        var tenantId: String
        var clientId: String
        var secretEnv: String
    }
    struct VM: Encodable {
        var id: String
        var location: String
        var group: String
    }
    struct Scan: Encodable {
        struct PollInterval: Encodable {
            var floor: String
            var ceiling: String
        }
        var concurrency: Int
        var deadline: String
        var pollInterval: PollInterval
    }

    var database: String
    var azure: Azure
    var credential: Credential
    var vms: [VM]
    var scan: Scan

    init(baseURL: String, command: EmulatorCommand, fleet: [EmulatedVM]) {
        database = "patchscan-emulator.sqlite"
        azure = Azure(resourceManager: baseURL, authorityHost: baseURL)
        credential = Credential(tenantId: command.tenantId, clientId: command.clientId, secretEnv: command.secretEnv)
        vms = fleet.map { VM(id: $0.resourceID, location: $0.location, group: $0.resourceGroup) }
        scan = Scan(concurrency: 16, deadline: "5m", pollInterval: .init(floor: "1s", ceiling: "10s"))
    }

    func write(to path: String) throws {
        let yaml = "# Written by `patchscan emulator --write-config`.\n" + (try YAMLEncoder().encode(self))
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
