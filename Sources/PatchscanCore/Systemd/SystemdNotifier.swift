#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// Tells systemd how the service is doing, over the `sd_notify(3)` datagram protocol.
///
/// Create one with ``init(environment:processID:logger:)``; it is `nil` when the process does not run under a
/// systemd unit that listens (`Type=notify`, `NotifyAccess=`). A plain value: copy it into any task and call
/// `notify(_:)` concurrently. Sending never blocks and never throws: systemd notifications are
/// advisory, so a failure is logged once at debug level and otherwise ignored.
///
/// ```swift
/// let notifier = SystemdNotifier(environment: ProcessInfo.processInfo.environment, logger: logger)
/// notifier?.notify(.ready, .status("cycle 1: 0/1000 VMs"))
/// ```
public struct SystemdNotifier: Sendable {
    private let address: NotifySocketAddress
    private let sendFailure: FirstFailure
    private let logger: Logger

    /// The watchdog timeout systemd enforces (`WatchdogSec=`), or `nil` when the watchdog is off for this process.
    ///
    /// Send ``Message/watchdog`` at least this often, or systemd kills and (with `Restart=on-failure`) restarts the
    /// service; ``recommendedWatchdogPingInterval`` leaves room for scheduling delays.
    public let watchdogInterval: Duration?

    /// How often to send ``Message/watchdog``: half of ``watchdogInterval``, as `sd_watchdog_enabled(3)` advises.
    /// `nil` when the watchdog is off.
    public var recommendedWatchdogPingInterval: Duration? {
        watchdogInterval.map { $0 / 2 }
    }

    /// Reads the notification socket and the watchdog settings that systemd passes to the service.
    ///
    /// - `NOTIFY_SOCKET`: an absolute path or `@name` (abstract namespace). Absent → `nil`. Any other form
    ///   (such as `vsock:`) or a name too long for a Unix socket address → `nil`, with a warning logged.
    /// - `WATCHDOG_USEC`: the watchdog timeout in microseconds, applied when `WATCHDOG_PID` is absent or equals
    ///   `processID` (systemd sets it so that child processes do not inherit the duty).
    ///
    /// - Parameters:
    ///   - environment: The process environment; passed in so that callers and tests decide what it is.
    ///   - processID: This process's id, compared with `WATCHDOG_PID`.
    ///   - logger: Receives the warning for an unusable `NOTIFY_SOCKET` and the first send failure.
    public init?(environment: [String: String], processID: Int32 = getpid(), logger: Logger) {
        guard let socket = environment["NOTIFY_SOCKET"] else { return nil }
        guard let address = NotifySocketAddress(socket) else {
            logger.warning(
                "NOTIFY_SOCKET is unusable; systemd will not receive readiness or watchdog notifications",
                metadata: [
                    "systemd.notify_socket": "\(socket)",
                    "systemd.reason": "not an absolute path or @abstract name that fits a Unix socket address",
                ]
            )
            return nil
        }
        self.address = address
        self.sendFailure = FirstFailure()
        self.logger = logger
        self.watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
    }

    /// Sends the messages in one datagram, so systemd applies them together.
    ///
    /// - Parameter messages: The assignments to send, such as `.ready, .status("…")`. Nothing is sent if empty.
    public func notify(_ messages: Message...) {
        notify(messages)
    }

    /// Sends the messages in one datagram, so systemd applies them together.
    ///
    /// - Parameter messages: The assignments to send. Nothing is sent if empty.
    public func notify(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        let payload = messages.map(\.assignment).joined(separator: "\n")
        guard let error = address.send(payload), sendFailure.isFirst() else { return }
        logger.debug(
            "Could not send a notification to systemd; further failures are not logged",
            metadata: ["systemd.errno": "\(error)", "systemd.message": "\(messages.first?.assignment ?? "")"]
        )
    }

    private static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else {
            return nil
        }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != processID {
            return nil
        }
        return .microseconds(microseconds)
    }
}

/// Shared by copies of one notifier so that only the first send failure is logged.
private final class FirstFailure: Sendable {
    private let happened = Atomic(false)

    func isFirst() -> Bool {
        !happened.exchange(true, ordering: .relaxed)
    }
}
