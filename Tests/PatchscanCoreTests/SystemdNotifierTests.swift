import Foundation
import Glibc
import Logging
import PatchscanCore
import Synchronization
import Testing

@Suite("systemd notifications")
struct SystemdNotifierTests {
    @Test("messages arrive as one datagram with the exact sd_notify bytes")
    func pathSocket() throws {
        let receiver = try NotifySocketReceiver(address: "/tmp/patchscan-notify-\(UUID().uuidString.prefix(8)).sock")
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.address], logger: Self.silent))

        notifier.notify(.ready, .status("cycle 12: 840/1000 VMs, 3 flagged, next in 41m"))
        notifier.notify(.watchdog)
        notifier.notify(.stopping)
        notifier.notify(.reloading(monotonic: .seconds(5) + .microseconds(123)))

        #expect(try receiver.receive() == "READY=1\nSTATUS=cycle 12: 840/1000 VMs, 3 flagged, next in 41m")
        #expect(try receiver.receive() == "WATCHDOG=1")
        #expect(try receiver.receive() == "STOPPING=1")
        #expect(try receiver.receive() == "RELOADING=1\nMONOTONIC_USEC=5000123")
        #expect(try receiver.receive() == nil)
    }

    @Test("an @name NOTIFY_SOCKET reaches the abstract namespace")
    func abstractSocket() throws {
        let name = "patchscan-notify-\(UUID().uuidString)"
        let receiver = try NotifySocketReceiver(address: "@" + name)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@" + name], logger: Self.silent))

        notifier.notify(.ready)

        #expect(try receiver.receive() == "READY=1")
    }

    @Test("a status with line breaks stays one assignment")
    func statusLineBreaks() {
        #expect(SystemdNotifier.Message.status("a\nb\r\nc").assignment == "STATUS=a b c")
    }

    @Test("reloading() stamps the current CLOCK_MONOTONIC time in microseconds")
    func reloadingNow() throws {
        let before = Self.monotonicMicroseconds()
        let lines = SystemdNotifier.Message.reloading().assignment.split(separator: "\n")
        let after = Self.monotonicMicroseconds()

        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { Int64($0.dropFirst("MONOTONIC_USEC=".count)) })
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
        #expect((before...after).contains(stamp))
    }

    @Test("no NOTIFY_SOCKET, or one that is neither a path nor @name: no notifier")
    func absent() {
        #expect(SystemdNotifier(environment: [:], logger: Self.silent) == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"], logger: Self.silent) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/notify"], logger: Self.silent) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"], logger: Self.silent) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@"], logger: Self.silent) == nil)
        let tooLong = "/" + String(repeating: "x", count: 200)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": tooLong], logger: Self.silent) == nil)
    }

    @Test(
        "WATCHDOG_USEC applies when WATCHDOG_PID is absent or this process",
        arguments: [
            (["WATCHDOG_USEC": "120000000"], Duration.seconds(120)),
            (["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "4242"], .seconds(120)),
            (["WATCHDOG_USEC": "1500", "WATCHDOG_PID": "4242"], .microseconds(1500)),
        ] as [([String: String], Duration)]
    )
    func watchdogOn(variables: [String: String], expected: Duration) throws {
        let environment = variables.merging(["NOTIFY_SOCKET": "/run/systemd/notify"]) { old, _ in old }
        let notifier = try #require(SystemdNotifier(environment: environment, processID: 4242, logger: Self.silent))

        #expect(notifier.watchdogInterval == expected)
        #expect(notifier.recommendedWatchdogPingInterval == expected / 2)
    }

    @Test(
        "no watchdog for another process's WATCHDOG_PID or an unusable WATCHDOG_USEC",
        arguments: [
            [:],
            ["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "1"],
            ["WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "not-a-pid"],
            ["WATCHDOG_USEC": "0"],
            ["WATCHDOG_USEC": "-5"],
            ["WATCHDOG_USEC": "2m"],
        ] as [[String: String]]
    )
    func watchdogOff(variables: [String: String]) throws {
        let environment = variables.merging(["NOTIFY_SOCKET": "/run/systemd/notify"]) { old, _ in old }
        let notifier = try #require(SystemdNotifier(environment: environment, processID: 4242, logger: Self.silent))

        #expect(notifier.watchdogInterval == nil)
        #expect(notifier.recommendedWatchdogPingInterval == nil)
    }

    @Test("the scheduling loop wakes every 5 s, or at half the watchdog timeout when that is shorter")
    func daemonTickFollowsTheWatchdog() {
        #expect(DaemonService.tick(watchdogPing: nil) == .seconds(5))
        #expect(DaemonService.tick(watchdogPing: .seconds(60)) == .seconds(5))
        #expect(DaemonService.tick(watchdogPing: .seconds(2)) == .seconds(2))
    }

    @Test("send failures are swallowed and logged once, at debug level")
    func failureLoggedOnce() throws {
        let lines = LogLineCollector()
        let logger = Logger(label: "test") { label in
            PatchscanLogHandler(label: label, format: .journal, logLevel: .debug, sink: lines.sink)
        }
        let path = "/tmp/patchscan-missing-\(UUID().uuidString.prefix(8)).sock"
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path], logger: logger))
        let copy = notifier

        notifier.notify(.ready)
        copy.notify(.watchdog)
        notifier.notify(.stopping)

        let logged = lines.all
        #expect(logged.count == 1)
        #expect(logged.first?.hasPrefix("<7>Could not send a notification to systemd") == true)
        #expect(logged.first?.contains("systemd.errno=\(ENOENT)") == true)
    }

    private static let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private static func monotonicMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}

/// A datagram socket standing in for systemd's notification socket.
final class NotifySocketReceiver {
    let address: String
    private let descriptor: Int32

    /// Binds to a filesystem path, or to the abstract namespace for `@name`.
    init(address: String) throws {
        self.address = address
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(descriptor >= 0)
        let pathBytes = address.hasPrefix("@") ? [0] + Array(address.utf8.dropFirst()) : Array(address.utf8) + [0]
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0, "bind \(address): errno \(errno)")
    }

    deinit {
        close(descriptor)
        if !address.hasPrefix("@") { unlink(address) }
    }

    /// The next queued datagram, or `nil` if none is waiting. A local datagram is queued before `sendto` returns,
    /// so nothing needs to wait.
    func receive() throws -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count < 0, errno == EAGAIN { return nil }
        try #require(count >= 0, "recv: errno \(errno)")
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}

/// Collects the lines a ``PatchscanLogHandler`` writes.
final class LogLineCollector: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: LogSink {
        LogSink { line in self.lines.withLock { $0.append(line) } }
    }

    var all: [String] {
        lines.withLock { $0 }
    }
}
