import Logging
import ServiceLifecycle

/// Re-reads the configuration file on every reload request (SIGHUP under systemd).
///
/// A valid file replaces the settings in force from the next scheduling decision on, rate limits and assessment
/// caps included; an invalid one leaves the old settings in force, and the problems are logged and counted.
/// Settings that cannot change while running (the database path, the credential and `azure`, the poll interval,
/// the metrics server) keep their old values and a warning says so.
public struct ConfigReloader<Requests: AsyncSequence & Sendable>: Service where Requests.Element: Sendable {
    let path: String
    let holder: SettingsHolder
    let requests: Requests
    let events: ReloadEvents
    let logger: Logger

    /// What the reloader reports, for metrics and systemd.
    public struct ReloadEvents: Sendable {
        /// Called before reading the file.
        public var started: @Sendable () async -> Void
        /// Called with valid new settings just before they come into force, to update what was built from the old
        /// ones (rate limits, assessment caps).
        public var apply: @Sendable (Settings) async -> Void
        /// Called after the attempt, with whether the new settings are in force.
        public var finished: @Sendable (_ applied: Bool) async -> Void

        /// Creates the callbacks.
        public init(
            started: @escaping @Sendable () async -> Void,
            apply: @escaping @Sendable (Settings) async -> Void = { _ in },
            finished: @escaping @Sendable (Bool) async -> Void
        ) {
            self.started = started
            self.apply = apply
            self.finished = finished
        }
    }

    /// Creates a reloader for the configuration file at `path`, reloading once per element of `requests`.
    public init(path: String, holder: SettingsHolder, requests: Requests, events: ReloadEvents, logger: Logger) {
        self.path = path
        self.holder = holder
        self.requests = requests
        self.events = events
        self.logger = logger
    }

    public func run() async throws {
        for try await _ in requests.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Reads the file once and applies it when valid.
    public func reload() async {
        await events.started()
        logger.notice("Reloading the configuration", metadata: ["config.path": "\(path)"])
        let loaded: Settings
        do {
            loaded = try Settings.load(contentsOf: path)
        } catch {
            logger.error(
                "The new configuration is invalid; keeping the one in force",
                metadata: ["config.path": "\(path)", "error": "\(error)"]
            )
            await events.finished(false)
            return
        }
        let old = await holder.current
        var applied = loaded
        if loaded.database != old.database {
            logger.warning("database cannot change while running; restart patchscan to use the new path", metadata: ["config.path": "\(path)"])
            applied.database = old.database
        }
        if loaded.credential != old.credential || loaded.azure != old.azure {
            logger.warning("credential and azure settings apply after a restart", metadata: ["config.path": "\(path)"])
            applied.credential = old.credential
            applied.azure = old.azure
        }
        if loaded.scan.pollIntervalFloor != old.scan.pollIntervalFloor
            || loaded.scan.pollIntervalCeiling != old.scan.pollIntervalCeiling {
            logger.warning("scan.pollInterval applies after a restart", metadata: ["config.path": "\(path)"])
            applied.scan.pollIntervalFloor = old.scan.pollIntervalFloor
            applied.scan.pollIntervalCeiling = old.scan.pollIntervalCeiling
        }
        if loaded.metrics != old.metrics {
            logger.warning("metrics settings apply after a restart", metadata: ["config.path": "\(path)"])
            applied.metrics = old.metrics
        }
        await events.apply(applied)
        await holder.replace(with: applied)
        logger.notice("Configuration reloaded", metadata: ["config.path": "\(path)", "config.vm_count": "\(applied.vms.count)"])
        await events.finished(true)
    }
}
