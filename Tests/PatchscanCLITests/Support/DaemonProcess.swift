import AzureEmulator
import Foundation
import Subprocess
import Testing

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A `patchscan run` process under test: its configuration, its log file and its notification socket.
struct DaemonProcess {
    let directory: URL
    let configPath: String
    let databasePath: String
    let logPath: String
    let notify: NotifySocket

    init() throws {
        directory = try PatchscanBinary.temporaryDirectory()
        configPath = directory.appendingPathComponent("patchscan.yaml").path
        databasePath = directory.appendingPathComponent("patchscan.sqlite").path
        logPath = directory.appendingPathComponent("daemon.log").path
        notify = try NotifySocket()
    }

    /// Writes the configuration for `fleet` on the emulator at `baseURL`: the CLI tests' one, with Retry-After
    /// honoured up to 2 s, a schedule that starts every VM at once and a metrics server on a free port.
    func writeConfig(
        baseURL: String, configuration: EmulatorConfiguration, fleet: [EmulatedVM], shutdownGrace: String = "0s"
    ) throws {
        let yaml = CLITests.yaml(
            baseURL: baseURL, database: databasePath, configuration: configuration, fleet: fleet, pollCeiling: "2s",
            extra: """
                schedule:
                  interval: 1h
                  firstScanSpread: 0s
                  shutdownGrace: \(shutdownGrace)
                metrics:
                  address: 127.0.0.1:0
                """
        )
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Runs `patchscan run` while `body` drives it; returns the exit code and the log.
    func run(
        secret: String,
        environment: [String: String] = [:],
        _ body: (Execution<NoInput, DiscardedOutput, FileDescriptorOutput>) async throws -> Void
    ) async throws -> (exitCode: Int32?, log: String) {
        let log = try FileDescriptor.open(
            FilePath(logPath), .writeOnly, options: [.create, .append], permissions: [.ownerReadWrite]
        )
        let result = try await Subprocess.run(
            .path(try PatchscanBinary.path()),
            arguments: ["run", "--config", configPath, "--log-format", "json", "--log-level", "info"],
            environment: .inherit
                .updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
                .updating(["PATCHSCAN_TEST_SECRET": secret, "NOTIFY_SOCKET": notify.address]),
            input: .none,
            output: .discarded,
            error: .fileDescriptor(log, closeAfterSpawningProcess: true),
            body: body
        )
        let exitCode: Int32? = if case .exited(let code) = result.terminationStatus { code } else { nil }
        return (exitCode, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    /// Waits for `READY=1`: the database is open and migrated, and the first schedule computed.
    func waitUntilReady() async throws {
        try await eventually("the daemon notifies READY=1") { notify.drain().contains("READY=1") }
    }

    /// The log written so far.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }
}

/// Waits until `condition` holds, checking every 50 ms, failing after `timeout`.
func eventually(
    _ what: String,
    timeout: Duration = .seconds(60),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return }
        try await clock.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}
