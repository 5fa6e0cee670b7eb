import ArgumentParser
import Logging

/// Options shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical. (default: notice; demo: error)")
    var logLevel: Logger.Level?

    /// Bootstraps swift-log to stderr; called once per process, before any logger is made.
    func bootstrapLogging(defaultLevel: Logger.Level = .notice) -> Logger {
        let level = logLevel ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "patchscan")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Exit codes documented in the README.
enum ExitStatus {
    /// The scan ran and VMs were flagged.
    static let flagged = ExitCode(2)
    /// The scan could not run.
    static let couldNotRun = ExitCode(1)
}
