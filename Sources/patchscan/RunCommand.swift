import ArgumentParser
import Foundation
import Logging
import PatchscanCore
import UnixSignals

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as a long-lived service: assess every VM on its schedule until SIGTERM.",
        discussion: """
            Meant for systemd (see deploy/patchscan.service): notifies readiness, status and the watchdog over \
            NOTIFY_SOCKET, re-reads the configuration on SIGHUP, and on SIGTERM or SIGINT lets assessments in flight \
            finish for up to schedule.shutdownGrace, leaving the rest to resume at the next start.
            Exit status: 0 after a graceful shutdown, 1 when it could not start or a fatal error stopped it.
            """
    )

    @Option(name: .shortAndLong, help: "Path of the YAML configuration file.")
    var config: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.bootstrapLogging()
        let settings: Settings
        do {
            settings = try Settings.load(contentsOf: config)
        } catch {
            logger.critical("The configuration is invalid; not starting", metadata: ["config.path": "\(config)", "error": "\(error)"])
            throw ExitStatus.couldNotRun
        }
        let backend = PrometheusMetricsBackend()
        backend.bootstrap()
        let environment = ProcessInfo.processInfo.environment
        let daemon = DaemonEnvironment(
            configurationPath: config,
            notifier: SystemdNotifier(environment: environment, logger: logger),
            registry: backend.registry
        )
        do {
            try await runDaemon(
                settings: settings,
                environment: daemon,
                dependencies: Dependencies(environment: environment, metricsFactory: backend.factory),
                reloadRequests: await UnixSignalsSequence(trapping: .sighup),
                logger: logger
            )
        } catch {
            daemon.notifier?.notify(.status("stopped: \(error)"))
            logger.critical("patchscan stopped on an error", metadata: ["error": "\(error)"])
            throw ExitStatus.couldNotRun
        }
    }
}
