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

    @OptionGroup var global: GlobalOptions

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
