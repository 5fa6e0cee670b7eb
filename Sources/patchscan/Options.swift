import ArgumentParser
import Foundation
import Logging
import PatchscanCore

/// Options shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical. (default: notice; demo: error)")
    var logLevel: Logger.Level?

    @Option(
        name: .long,
        help: "Log format: auto (journal when stderr is the systemd journal, else text), text, json, journal."
    )
    var logFormat: LogFormatChoice = .auto

    /// Bootstraps swift-log to stderr; called once per process, before any logger is made.
    func bootstrapLogging(defaultLevel: Logger.Level = .notice) -> Logger {
        let level = logLevel ?? defaultLevel
        let format = logFormat.resolved(environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            PatchscanLogHandler(label: label, format: format, logLevel: level)
        }
        return Logger(label: "patchscan")
    }
}

/// The values of `--log-format`.
enum LogFormatChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, text, json, journal

    func resolved(environment: [String: String]) -> LogFormat {
        switch self {
        case .auto: .automatic(environment: environment)
        case .text: .text
        case .json: .json
        case .journal: .journal
        }
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
