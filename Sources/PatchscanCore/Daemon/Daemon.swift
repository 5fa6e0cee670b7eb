import Foundation
import Logging
import PatchscanStore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// How `patchscan run` reaches the world outside the scheduler.
public struct DaemonEnvironment: Sendable {
    /// The configuration file, re-read on every reload request.
    public var configurationPath: String
    /// systemd's notification socket, when running under systemd.
    public var notifier: SystemdNotifier?
    /// What `/metrics` serves.
    public var registry: PrometheusCollectorRegistry

    /// Creates the environment.
    public init(configurationPath: String, notifier: SystemdNotifier?, registry: PrometheusCollectorRegistry) {
        self.configurationPath = configurationPath
        self.notifier = notifier
        self.registry = registry
    }
}

/// The lock file a daemon holds for as long as it runs on the database at `database`.
public func daemonLockPath(database: String) -> String {
    database + "-daemon.lock"
}

private func lockDaemon(database: String) throws(StartupError) -> FileLock {
    do {
        return try FileLock.acquire(at: daemonLockPath(database: database), whenHeld: .fail)
    } catch where error.code == .lockHeld {
        throw StartupError(
            code: .alreadyRunning,
            message: "another patchscan daemon is already running on the database \(database): \(error.message) "
                + "Run one daemon per database: stop the other one first, or give this one another database."
        )
    } catch {
        throw StartupError(code: .database, message: "\(error)")
    }
}

/// Runs the daemon until a graceful shutdown signal (SIGTERM, SIGINT): the scheduler, the configuration reloader
/// (one reload per element of `reloadRequests`, SIGHUP in production) and the metrics server, as one service group.
///
/// Only one daemon runs per database: it holds a ``FileLock`` on ``daemonLockPath(database:)`` while it runs.
///
/// - Throws: A ``StartupError`` when the daemon cannot start (code ``StartupError/Code/alreadyRunning`` when
///   another daemon holds the database), or the error that stopped a service.
public func runDaemon<Reloads: AsyncSequence & Sendable>(
    settings: Settings,
    environment: DaemonEnvironment,
    dependencies: Dependencies = Dependencies(),
    reloadRequests: Reloads,
    logger: Logger
) async throws where Reloads.Element: Sendable {
    try await withRuntime(settings: settings, dependencies: dependencies, logger: logger) { runtime in
        // Two daemons on one database would share the owner name `daemon@host`, so claims could not keep them apart.
        let daemonLock = try lockDaemon(database: settings.database)
        defer { daemonLock.release() }
        let notifier = environment.notifier
        let metrics = runtime.metrics
        let holder = SettingsHolder(settings)
        let health = DaemonHealth(interval: settings.schedule.interval)
        let reporter = DaemonReporter(
            ready: { notifier?.notify(.ready) },
            status: { notifier?.notify(.status($0)) },
            alive: { notifier?.notify(.watchdog) },
            stopping: { notifier?.notify(.stopping) },
            cycleFinished: { duration, finishedAt in
                metrics.recordCycle(duration: duration)
                metrics.recordSuccessfulCycle(finishedAt: finishedAt)
            },
            previousCycleFinished: { metrics.recordSuccessfulCycle(finishedAt: $0) },
            flaggedVMs: { metrics.setVMsFlagged($0) },
            vmCounts: { metrics.setVMs(configured: $0, due: $1, inFlight: $2) }
        )
        let scheduler = DaemonService(
            settings: holder, store: runtime.store, runner: runtime.runner(holder: .daemon()), slots: runtime.slots,
            holder: .daemon(), clock: dependencies.clock, reporter: reporter, health: health,
            tick: DaemonService.tick(watchdogPing: notifier?.recommendedWatchdogPingInterval), logger: logger
        )
        let reloader = ConfigReloader(
            path: environment.configurationPath,
            holder: holder,
            requests: reloadRequests,
            events: .init(
                started: { notifier?.notify(.reloading()) },
                apply: { await runtime.apply($0) },
                finished: { applied in
                    metrics.recordConfigReload(applied: applied)
                    notifier?.notify(.ready)
                }
            ),
            logger: logger
        )
        var services: [any Service] = []
        if settings.metrics.enabled {
            services.append(
                MetricsServer(
                    address: settings.metrics.address, registry: environment.registry,
                    readiness: { await health.readiness() }, logger: logger
                )
            )
        }
        // A service group stops services in reverse order: the scheduler first, the metrics server last.
        services += [reloader, scheduler]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
