/// How the emulator's clock moves. Token buckets refill, issued tokens expire and journal entries are stamped
/// on this clock; ``AzureEmulator/advanceClock(by:)`` moves it forward in either mode.
public enum EmulatorClockMode: Sendable, Hashable {
    /// Real (monotonic) time.
    case realTime
    /// Stands still until ``AzureEmulator/advanceClock(by:)`` moves it, so tests control refills exactly.
    case manual
}
