#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SystemdNotifier {
    /// One `KEY=value` assignment of the sd_notify protocol (see `sd_notify(3)`).
    ///
    /// Several messages passed to one `notify(_:)` call travel in one datagram,
    /// so systemd applies them together.
    public struct Message: Sendable, Hashable, CustomStringConvertible {
        /// The assignment as sent, such as `READY=1`; may span lines (`RELOADING=1` with `MONOTONIC_USEC=`).
        public let assignment: String

        private init(_ assignment: String) {
            self.assignment = assignment
        }

        /// `READY=1`: start-up is finished; systemd marks a `Type=notify` unit active.
        public static let ready = Message("READY=1")

        /// `STOPPING=1`: shutdown has begun.
        public static let stopping = Message("STOPPING=1")

        /// `WATCHDOG=1`: the process is alive; resets the `WatchdogSec=` timer.
        public static let watchdog = Message("WATCHDOG=1")

        /// `STATUS=…`: a one-line status shown by `systemctl status`.
        ///
        /// Line breaks would end the assignment early (the protocol is line-based), so they become spaces.
        public static func status(_ text: String) -> Message {
            let oneLine = String(text.map { $0.isNewline ? " " : $0 })
            return Message("STATUS=\(oneLine)")
        }

        /// `RELOADING=1` with `MONOTONIC_USEC=`: a configuration reload has begun. Send ``ready`` when it is done.
        ///
        /// systemd 253 and later require the timestamp for `Type=notify-reload` units; older versions and
        /// `Type=notify` units ignore it.
        ///
        /// - Parameter monotonic: The `CLOCK_MONOTONIC` reading at which the reload began.
        public static func reloading(monotonic: Duration) -> Message {
            Message("RELOADING=1\nMONOTONIC_USEC=\(microseconds(monotonic))")
        }

        /// `RELOADING=1` stamped with the current `CLOCK_MONOTONIC` reading; see ``reloading(monotonic:)``.
        public static func reloading() -> Message {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return reloading(monotonic: .seconds(Int64(now.tv_sec)) + .nanoseconds(Int64(now.tv_nsec)))
        }

        /// The assignment as sent.
        public var description: String { assignment }

        private static func microseconds(_ duration: Duration) -> Int64 {
            let (seconds, attoseconds) = duration.components
            return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        }
    }
}
