import ArgumentParser

/// Issue 3's rate-limit benchmark: one scan cycle of a throttled emulated fleet, timed against the least time the
/// budgets allow. See docs/benchmarks.md.
@main
struct RateLimitBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patchscan-benchmark",
        abstract: "Time one scan cycle against a rate-limited emulator and compare it with the theoretical lower bound.",
        discussion: """
            Exits 0 when the cycle time is within --target-ratio of the lower bound, no request was answered 429 and \
            every VM succeeded; 1 otherwise.
            """
    )

    @OptionGroup var options: BenchmarkOptions

    func run() async throws {
        let scenario = await Scenario(options: options)
        let report = BenchmarkReport(scenario: scenario, measurement: try await Measurement.run(scenario))
        print(report.text)
        if !report.passed {
            throw ExitCode.failure
        }
    }
}
