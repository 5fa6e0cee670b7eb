import Foundation
import PatchscanCore
import Testing

private func metricsSettings(_ section: String) throws -> MetricsSettings {
    try SettingsSection.parse(section).metrics
}

@Suite("Metrics settings")
struct MetricsSettingsTests {
    @Test("an absent or empty metrics section serves on 127.0.0.1:9464")
    func defaults() throws {
        for section in ["", "metrics:\n", "metrics: {}\n"] {
            let settings = try metricsSettings(section)
            #expect(settings == MetricsSettings())
            #expect(settings.enabled)
            #expect(settings.address == ListenAddress(host: "127.0.0.1", port: 9464))
            #expect(settings.address.isLoopback)
        }
    }

    @Test("enabled and address decode", arguments: [
        ("127.0.0.1:9100", ListenAddress(host: "127.0.0.1", port: 9100), true),
        ("localhost:0", ListenAddress(host: "localhost", port: 0), true),
        ("\"[::1]:9464\"", ListenAddress(host: "::1", port: 9464), true),
        ("0.0.0.0:9464", ListenAddress(host: "0.0.0.0", port: 9464), false),
        ("\"[::]:65535\"", ListenAddress(host: "::", port: 65_535), false),
        ("metrics.example.internal:9464", ListenAddress(host: "metrics.example.internal", port: 9464), false),
    ])
    func decodes(text: String, expected: ListenAddress, loopback: Bool) throws {
        let settings = try metricsSettings("metrics:\n  enabled: false\n  address: \(text)\n")
        #expect(!settings.enabled)
        #expect(settings.address == expected)
        #expect(settings.address.isLoopback == loopback)
    }

    @Test("an address prints back in the form it is written")
    func addressDescription() {
        #expect(ListenAddress(host: "::1", port: 9464).description == "[::1]:9464")
        #expect(ListenAddress(host: "127.0.0.1", port: 0).description == "127.0.0.1:0")
    }

    @Test("a bad address is rejected with its key path, line and a hint", arguments: [
        ("9464", "has no port"),
        ("127.0.0.1", "has no port"),
        ("\":9464\"", "has no host"),
        ("\"::1:9464\"", "put an IPv6 address in brackets"),
        ("\"[::1]9464\"", "is not an address"),
        ("http://127.0.0.1:9464", "no scheme, path or spaces"),
        ("127.0.0.1:70000", "'70000' is not a port"),
        ("127.0.0.1:-1", "'-1' is not a port"),
        ("127.0.0.1:metrics", "'metrics' is not a port"),
    ])
    func rejectsAddress(text: String, fragment: String) throws {
        let found = SettingsSection.problems("metrics:\n  address: \(text)\n")
        #expect(found.count == 1, "\(found)")
        let problem = try #require(found.first)
        #expect(problem.code == .invalidValue)
        #expect(problem.keyPath == "metrics.address")
        #expect(problem.line == 9)
        #expect(problem.message.contains(fragment), "\(problem.message)")
    }

    @Test("wrong types and unknown keys are all reported at once")
    func reportsEveryProblem() {
        let found = SettingsSection.problems("metrics:\n  enabled: sometimes\n  address: [127.0.0.1]\n  adress: 127.0.0.1:9464\n")
        #expect(found.map(\.keyPath) == ["metrics.enabled", "metrics.address", "metrics.adress"])
        #expect(found.map(\.line) == [9, 10, 11])
        #expect(found.map(\.code) == [.wrongType, .wrongType, .unknownKey])
        #expect(found.last?.message.contains("did you mean 'address'?") == true, "\(found)")
    }

    @Test("the example configuration documents the metrics section with its defaults")
    func exampleFile() throws {
        let example = repositoryFile("config/patchscan.example.yaml")
        let text = try String(contentsOfFile: example, encoding: .utf8)
        #expect(text.contains("\nmetrics:\n"))
        #expect(try Settings.load(contentsOf: example).metrics == MetricsSettings())
    }

    @Test("a metrics section that is not a mapping is rejected")
    func rejectsScalarSection() {
        let found = SettingsSection.problems("metrics: true\n")
        #expect(found.map(\.keyPath) == ["metrics"])
        #expect(found.map(\.code) == [.wrongType])
        #expect(found.map(\.line) == [8])
    }
}
