import ArgumentParser
import Foundation
import AzureEmulator
import Logging

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
        try await emulator.run(host: host, port: port) { bound in
            print("Azure emulator listening on http://\(host):\(bound) with \(fleet.count) VMs:")
            for vm in fleet { print("  \(vm.resourceID)") }
        }
    }
}
