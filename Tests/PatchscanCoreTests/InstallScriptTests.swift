import Foundation
import Testing

@Suite("deploy/install.sh")
struct InstallScriptTests {
    @Test("a second run changes nothing and the operator's configuration is never overwritten")
    func idempotent() throws {
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("patchscan-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: stage) }
        let binary = stage.appendingPathComponent("patchscan-build")
        try FileManager.default.createDirectory(at: stage, withIntermediateDirectories: true)
        try Data("#!/bin/sh\n".utf8).write(to: binary)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary.path)
        let root = stage.appendingPathComponent("root")

        let first = try install(binary: binary, destdir: root)
        let config = root.appendingPathComponent("etc/patchscan/patchscan.yaml")
        try Data("database: /operator/choice.sqlite\n".utf8).write(to: config)
        let second = try install(binary: binary, destdir: root)

        #expect(first.contains("installed \(root.path)/usr/local/bin/patchscan (mode 0755)"))
        #expect(first.contains("installed \(root.path)/etc/systemd/system/patchscan.service (mode 0644)"))
        #expect(first.contains("installed example \(config.path)"))
        #expect(second.contains("unchanged \(root.path)/usr/local/bin/patchscan"))
        #expect(second.contains("unchanged \(root.path)/etc/systemd/system/patchscan.service"))
        #expect(second.contains("kept \(config.path)"))
        #expect(!second.contains("installed"))
        #expect(try String(contentsOf: config, encoding: .utf8) == "database: /operator/choice.sqlite\n")
        let unit = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/patchscan.service"), encoding: .utf8)
        let shipped = try String(contentsOfFile: repositoryFile("deploy/patchscan.service"), encoding: .utf8)
        #expect(unit == shipped)
    }

    private func install(binary: URL, destdir: URL) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            repositoryFile("deploy/install.sh"),
            "--binary", binary.path, "--destdir", destdir.path,
        ]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "install.sh failed:\n\(text)")
        return text
    }
}
