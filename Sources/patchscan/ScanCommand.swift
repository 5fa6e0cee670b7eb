import ArgumentParser
import Foundation
import Logging
import PatchscanCore

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Assess every configured VM once, store the results and print a summary.",
        discussion: "Exit status: 0 nothing flagged, 2 VMs flagged, 1 the scan could not run."
    )

    @Option(name: .shortAndLong, help: "Path of the YAML configuration file.")
    var config: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.bootstrapLogging()
        let summary: ScanSummary
        let settings: Settings
        do {
            settings = try Settings.load(contentsOf: config)
            summary = try await withScanner(settings: settings, logger: logger) { scanner, _ in
                try await scanner.runCycle(targets: settings.vms)
            }
        } catch {
            printError("patchscan: the scan could not run:\n\(error)")
            throw ExitStatus.couldNotRun
        }
        print(summary.report(database: settings.database))
        if !summary.flagged.isEmpty { throw ExitStatus.flagged }
    }
}

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and report every problem with its key and line."
    )

    @Option(name: .shortAndLong, help: "Path of the YAML configuration file.")
    var config: String

    func run() async throws {
        do {
            let settings = try Settings.load(contentsOf: config)
            print("\(config): OK (\(settings.vms.count) VMs, database \(settings.database))")
        } catch {
            printError("\(error)")
            throw ExitStatus.couldNotRun
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
