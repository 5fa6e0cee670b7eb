import ArgumentParser

@main
struct Patchscan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchscan",
        abstract: "Fleet patch-compliance scanner for Azure VMs.",
        discussion: """
            patchscan calls Azure Compute's assessPatches on every configured VM, stores every result and \
            every patch in SQLite, and flags VMs that are reboot-pending or over patch thresholds.

            Exit codes of `scan`: 0 scan ran and nothing is flagged; 2 scan ran and VMs were flagged; \
            1 the scan could not run (bad config, unreadable secret, database error); 64 usage error.
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, ScanCommand.self, CheckConfigCommand.self, DemoCommand.self, EmulatorCommand.self]
    )
}
