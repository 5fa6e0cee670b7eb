import Foundation
import Glibc
import Logging
import PatchscanCore
import Testing

@Suite("log formats")
struct LogFormatTests {
    /// 2025-06-01T12:00:00.250Z
    private static let fixedTime = Date(timeIntervalSince1970: 1_748_779_200.25)

    private func logger(_ format: LogFormat, level: Logger.Level = .trace, _ lines: LogLineCollector) -> Logger {
        Logger(label: "patchscan") { label in
            PatchscanLogHandler(
                label: label, format: format, logLevel: level, sink: lines.sink, metadataProvider: nil,
                now: { Self.fixedTime }
            )
        }
    }

    @Test("text: time, level, label, message, then metadata sorted by key")
    func text() {
        let lines = LogLineCollector()
        var logger = logger(.text, lines)
        logger[metadataKey: "vm.id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

        logger.notice("Scan cycle started", metadata: ["scan.vm_count": "1000", "error": "boom: \"quoted\"\nnext"])

        #expect(lines.all == [
            "2025-06-01T12:00:00.250Z notice patchscan: Scan cycle started error=\"boom: \\\"quoted\\\"\\nnext\" "
                + "scan.vm_count=1000 "
                + "vm.id=/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1\n",
        ])
    }

    @Test(
        "journal: the syslog priority of each level, no timestamp",
        arguments: [
            (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
    )
    func journalPriority(level: Logger.Level, priority: Int) {
        let lines = LogLineCollector()

        logger(.journal, lines).log(level: level, "Scan cycle finished", metadata: ["scan.flagged": "3"])

        #expect(lines.all == ["<\(priority)>Scan cycle finished scan.flagged=3\n"])
    }

    @Test("journal and text: one event is one line, whatever the message and metadata hold")
    func lineBreaksEscaped() {
        let lines = LogLineCollector()

        logger(.journal, lines).error(
            "Configuration rejected\nsecond line",
            metadata: ["error": "a.b: bad (line 3)\n<0>forged entry", "empty": "", "tab": "x\ty"]
        )

        #expect(lines.all == [
            "<3>Configuration rejected\\nsecond line empty=\"\" error=\"a.b: bad (line 3)\\n<0>forged entry\" "
                + "tab=\"x\\ty\"\n",
        ])
    }

    @Test("json: one object per line that parses back with every field")
    func json() throws {
        let lines = LogLineCollector()
        var logger = logger(.json, lines)
        logger[metadataKey: "config.path"] = "/etc/patchscan/patchscan.yaml"

        logger.warning(
            "Reload \"rejected\"\nsee below",
            metadata: ["error": "line 1\nline \"2\" \\ end", "config.vm_count": .stringConvertible(12)],
            source: "PatchscanCore"
        )

        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2025-06-01T12:00:00.250Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "patchscan")
        #expect(object["message"] as? String == "Reload \"rejected\"\nsee below")
        #expect(object["source"] as? String == "PatchscanCore")
        let metadata = try #require(object["metadata"] as? [String: String])
        #expect(metadata == [
            "config.path": "/etc/patchscan/patchscan.yaml",
            "config.vm_count": "12",
            "error": "line 1\nline \"2\" \\ end",
        ])
    }

    @Test("an error passed to the logger appears as the error key, unless the metadata has one")
    func errorArgument() {
        struct Failure: Error, CustomStringConvertible {
            var description: String { "database is locked" }
        }
        let lines = LogLineCollector()
        let logger = logger(.journal, lines)

        logger.error("Cycle failed", error: Failure())
        logger.error("Cycle failed", error: Failure(), metadata: ["error": "explicit"])

        #expect(lines.all == [
            "<3>Cycle failed error=\"database is locked\"\n",
            "<3>Cycle failed error=explicit\n",
        ])
    }

    @Test("events below the level are not written")
    func level() {
        let lines = LogLineCollector()
        let logger = logger(.text, level: .notice, lines)

        logger.info("quiet")
        logger.notice("loud")

        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasSuffix(" notice patchscan: loud\n") == true)
    }

    @Test("automatic: journal only when JOURNAL_STREAM names the descriptor's device and inode")
    func automatic() throws {
        let path = NSTemporaryDirectory() + "patchscan-journal-\(UUID().uuidString)"
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer {
            close(descriptor)
            unlink(path)
        }
        var status = stat()
        try #require(fstat(descriptor, &status) == 0)
        let matching = "\(status.st_dev):\(status.st_ino)"
        let otherInode = "\(status.st_dev):\(status.st_ino + 1)"

        #expect(LogFormat.automatic(environment: ["JOURNAL_STREAM": matching], standardError: descriptor) == .journal)
        #expect(LogFormat.automatic(environment: ["JOURNAL_STREAM": otherInode], standardError: descriptor) == .text)
        #expect(LogFormat.automatic(environment: ["JOURNAL_STREAM": "garbage"], standardError: descriptor) == .text)
        #expect(LogFormat.automatic(environment: [:], standardError: descriptor) == .text)
        #expect(LogFormat.automatic(environment: ["JOURNAL_STREAM": matching], standardError: -1) == .text)
    }
}
