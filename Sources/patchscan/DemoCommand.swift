import ArgumentParser
import AzureCompute
import AzureEmulator
import Foundation
import Logging
import PatchscanCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Scan a simulated Azure fleet: starts the emulator in-process and scans it into a local SQLite file."
    )

    @Option(name: .shortAndLong, help: "Demo configuration (its azure URLs and vms are replaced by the emulator's).")
    var config = "config/demo.yaml"

    @Option(help: "Number of simulated subscriptions.")
    var subscriptions = 4

    @Option(help: "Simulated VMs per subscription.")
    var vmsPerSubscription = 75

    @Option(help: "Seed of the simulated fleet.")
    var seed: UInt64 = 1

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.bootstrapLogging(defaultLevel: .error)
        var settings: Settings
        do {
            settings = try Settings.load(contentsOf: config)
        } catch {
            printError("\(error)")
            throw ExitStatus.couldNotRun
        }
        let secret = UUID().uuidString
        var emulatorConfiguration = EmulatorConfiguration()
        emulatorConfiguration.seed = seed
        emulatorConfiguration.subscriptionCount = subscriptions
        emulatorConfiguration.vmsPerSubscription = vmsPerSubscription
        emulatorConfiguration.faultMix = .demo
        emulatorConfiguration.tenantID = settings.credential.tenantID
        emulatorConfiguration.clientID = settings.credential.clientID
        emulatorConfiguration.clientSecret = secret
        emulatorConfiguration.latency = .milliseconds(20)

        var environment = ProcessInfo.processInfo.environment
        if case .environment(let name) = settings.credential.secret { environment[name] = secret }
        let dependencies = Dependencies(environment: environment)

        let summary = try await withAzureEmulator(configuration: emulatorConfiguration, logger: logger) { running in
            guard let url = URL(string: running.baseURL) else { throw ExitStatus.couldNotRun }
            settings.azure.resourceManager = url
            settings.azure.authorityHost = url
            settings.vms = try await running.emulator.fleet.map { vm in
                VMTarget(id: try VMResourceID(parsing: vm.resourceID), location: vm.location, group: vm.resourceGroup)
            }
            print("Emulated Azure at \(running.baseURL): \(settings.vms.count) VMs in \(subscriptions) subscriptions. Scanning…")
            return try await withScanner(settings: settings, dependencies: dependencies, logger: logger) { scanner, _ in
                try await scanner.runCycle(targets: settings.vms)
            }
        }
        print(summary.report(database: settings.database, listingAtMost: 15))
        print(
            """

            Explore the results:
              sqlite3 -header -column \(settings.database) "SELECT vm_name, reboot_pending, critical_and_security_patch_count FROM latest_assessment WHERE reboot_pending = 1 LIMIT 10"
              sqlite3 -header -column \(settings.database) "SELECT outcome, count(*) FROM assessment WHERE run_id = \(summary.runID) GROUP BY outcome"
            """
        )
    }
}
