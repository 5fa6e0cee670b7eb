import AzureCompute
import Foundation
import PatchscanCore
import Testing

private let web01 =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01"

/// The single problem `yaml` is rejected with.
private func problem(
    _ yaml: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ConfigurationProblem {
    let found = SettingsSection.problems(inYAML: yaml, sourceLocation: sourceLocation)
    #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
    return try #require(found.first, sourceLocation: sourceLocation)
}

@Suite("Settings: accepted configurations")
struct SettingsAcceptanceTests {
    @Test("a full configuration decodes into the typed settings")
    func fullConfiguration() throws {
        let yaml = """
            database: /var/lib/patchscan/patchscan.sqlite
            azure:
              resourceManager: https://management.usgovcloudapi.net
              authorityHost: https://login.microsoftonline.us/
              apiVersion: 2024-03-01-preview
              caBundle: /etc/ssl/certs/my-ca.pem
            credential:
              type: clientSecret
              tenantId: 11111111-2222-3333-4444-555555555555
              clientId: 66666666-7777-8888-9999-000000000000
              secretFile: /run/credentials/patchscan.service/client-secret
            vms:
              - \(web01)
              - id: /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-02
                location: eastus
                group: prod-web
              - subscription: 00000000-0000-0000-0000-000000000002
                resourceGroup: rg-data
                name: db-01
                group: prod-db
            scan:
              concurrency: 4
              deadline: 1h30m
              pollInterval:
                floor: 500ms
                ceiling: 1m
            thresholds:
              rebootPending: false
              criticalAndSecurityPatchCount: null
              otherPatchCount: 10
            """
        let settings = try Settings.parse(yaml: yaml, source: "full.yaml")
        let expected = try Settings(
            database: "/var/lib/patchscan/patchscan.sqlite",
            azure: AzureSettings(
                resourceManager: #require(URL(string: "https://management.usgovcloudapi.net")),
                authorityHost: #require(URL(string: "https://login.microsoftonline.us/")),
                apiVersion: "2024-03-01-preview",
                caBundlePath: "/etc/ssl/certs/my-ca.pem"
            ),
            credential: CredentialSettings(
                kind: .clientSecret,
                tenantID: "11111111-2222-3333-4444-555555555555",
                clientID: "66666666-7777-8888-9999-000000000000",
                secret: .file("/run/credentials/patchscan.service/client-secret")
            ),
            vms: [
                VMTarget(id: VMResourceID(parsing: web01)),
                VMTarget(
                    id: VMResourceID(
                        subscriptionID: "00000000-0000-0000-0000-000000000001", resourceGroup: "rg-web", name: "web-02"
                    ),
                    location: "eastus",
                    group: "prod-web"
                ),
                VMTarget(
                    id: VMResourceID(
                        subscriptionID: "00000000-0000-0000-0000-000000000002", resourceGroup: "rg-data", name: "db-01"
                    ),
                    group: "prod-db"
                ),
            ],
            scan: ScanSettings(
                concurrency: 4,
                deadline: .seconds(90 * 60),
                pollIntervalFloor: .milliseconds(500),
                pollIntervalCeiling: .seconds(60)
            ),
            thresholds: Thresholds(rebootPending: false, criticalAndSecurityPatchCount: nil, otherPatchCount: 10)
        )
        #expect(settings == expected)
    }

    @Test("optional sections and keys take their documented defaults")
    func defaults() throws {
        let settings = try Settings.parse(yaml: SettingsSection.minimalYAML, source: "minimal.yaml")
        #expect(settings.database == "/tmp/patchscan-test.sqlite")
        #expect(settings.azure.resourceManager.absoluteString == "https://management.azure.com")
        #expect(settings.azure.authorityHost.absoluteString == "https://login.microsoftonline.com")
        #expect(settings.azure.apiVersion == "2022-08-01")
        #expect(settings.azure.caBundlePath == nil)
        #expect(settings.credential.kind == .clientSecret)
        #expect(settings.credential.secret == .environment("AZURE_CLIENT_SECRET"))
        #expect(settings.scan.concurrency == 16)
        #expect(settings.scan.deadline == .seconds(75 * 60))
        #expect(settings.scan.pollIntervalFloor == .seconds(5))
        #expect(settings.scan.pollIntervalCeiling == .seconds(120))
        #expect(settings.thresholds.rebootPending == true)
        #expect(settings.thresholds.criticalAndSecurityPatchCount == 1)
        #expect(settings.thresholds.otherPatchCount == nil)
        #expect(settings.vms.map(\.id.name) == ["web-01"])
        #expect(settings.vms.first?.location == nil)
    }

    @Test("empty optional sections mean defaults")
    func emptySections() throws {
        let settings = try Settings.parse(
            yaml: SettingsSection.minimalYAML + "azure:\nscan:\n  pollInterval:\nthresholds: {}\n", source: "t.yaml"
        )
        #expect(settings.scan == ScanSettings())
        #expect(settings.thresholds == Thresholds())
        #expect(settings.azure == AzureSettings())
    }

    @Test("an explicit null threshold never flags, while an absent one keeps the default")
    func nullThresholds() throws {
        let settings = try Settings.parse(
            yaml: SettingsSection.minimalYAML + "thresholds:\n  criticalAndSecurityPatchCount: ~\n", source: "t.yaml"
        )
        #expect(settings.thresholds.criticalAndSecurityPatchCount == nil)
        #expect(settings.thresholds.otherPatchCount == nil)
        #expect(settings.thresholds.rebootPending == true)
    }

    @Test(
        "plain http is accepted to loopback hosts",
        arguments: ["http://127.0.0.1:8080", "http://127.9.8.7/", "http://[::1]:8080", "http://localhost:1", "http://LOCALHOST"]
    )
    func loopbackHTTP(url: String) throws {
        let settings = try Settings.parse(yaml: SettingsSection.minimalYAML + "azure:\n  resourceManager: \(url)\n", source: "t.yaml")
        #expect(settings.azure.resourceManager.absoluteString == url)
    }

    @Test("the example configuration documents every key and parses")
    func exampleFileParses() throws {
        let settings = try Settings.load(contentsOf: repositoryFile("config/patchscan.example.yaml"))
        #expect(settings.database == "/var/lib/patchscan/patchscan.sqlite")
        #expect(settings.azure.caBundlePath == "/etc/ssl/certs/my-ca.pem")
        #expect(settings.credential.secret == .environment("AZURE_CLIENT_SECRET"))
        #expect(settings.vms.count == 3)
        #expect(settings.vms[1].group == "prod-web")
        #expect(settings.vms[2].id.resourceGroup == "rg-data")
        #expect(settings.scan == ScanSettings())
        #expect(settings.thresholds == Thresholds())
    }

    @Test("the configuration install.sh ships parses and reads the secret systemd passes as a credential")
    func deployFileParses() throws {
        let settings = try Settings.load(contentsOf: repositoryFile("deploy/patchscan.yaml"))
        #expect(settings.database == "/var/lib/patchscan/patchscan.sqlite")
        #expect(settings.credential.secret == .file("/run/credentials/patchscan.service/client-secret"))
    }

    @Test("the demo configuration parses with the demo's values")
    func demoFileParses() throws {
        let settings = try Settings.load(contentsOf: repositoryFile("config/demo.yaml"))
        #expect(settings.database == "patchscan-demo.sqlite")
        #expect(settings.azure.resourceManager.absoluteString == "http://127.0.0.1:8080")
        #expect(settings.azure.authorityHost.absoluteString == "http://127.0.0.1:8080")
        #expect(settings.credential.tenantID == "demo-tenant")
        #expect(settings.credential.clientID == "demo-client")
        #expect(settings.credential.secret == .environment("PATCHSCAN_DEMO_CLIENT_SECRET"))
        #expect(settings.vms.map(\.id.name) == ["demo-vm-01", "demo-vm-02", "demo-vm-03"])
        #expect(settings.vms.allSatisfy { $0.id.resourceGroup == "rg-demo" })
        #expect(
            settings.scan
                == ScanSettings(
                    concurrency: 32, deadline: .seconds(120), pollIntervalFloor: .milliseconds(50),
                    pollIntervalCeiling: .seconds(2)
                )
        )
        #expect(
            settings.thresholds
                == Thresholds(rebootPending: true, criticalAndSecurityPatchCount: 1, otherPatchCount: 25)
        )
    }

    @Test("load reads a file and names it as the source of problems")
    func loadNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("patchscan-settings-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data((SettingsSection.minimalYAML + "scan:\n  concurrency: 0\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try Settings.load(contentsOf: path)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.source == path && error.description.contains("\(path):9:16: scan.concurrency:")
        }
    }

    @Test("load reports an unreadable file with its path")
    func loadMissingFile() {
        let path = "/nonexistent/patchscan-\(UUID().uuidString).yaml"
        #expect {
            try Settings.load(contentsOf: path)
        } throws: { error in
            guard let error = error as? ConfigurationError, let problem = error.problems.first else { return false }
            return problem.code == .unreadableFile && error.source == path && error.description.contains(path)
                && problem.message.hasPrefix("cannot read the configuration file: no such file; check the path")
        }
    }
}

@Suite("Settings: durations")
struct SettingsDurationTests {
    @Test(
        "accepts whole numbers with units, largest first, and bare seconds",
        arguments: [
            ("500ms", Duration.milliseconds(500)),
            ("30s", .seconds(30)),
            ("5m", .seconds(300)),
            ("1h", .seconds(3_600)),
            ("1h30m", .seconds(5_400)),
            ("2d", .seconds(172_800)),
            ("90", .seconds(90)),
            ("\"45\"", .seconds(45)),
            ("1d2h3m4s5ms", .milliseconds(93_784_005)),
        ]
    )
    func accepts(text: String, expected: Duration) throws {
        let settings = try Settings.parse(yaml: SettingsSection.minimalYAML + "scan:\n  deadline: \(text)\n", source: "t.yaml")
        #expect(settings.scan.deadline == expected)
    }

    @Test(
        "rejects negative and malformed durations with a clear message",
        arguments: [
            ("-5s", "cannot be negative"),
            ("-5", "cannot be negative"),
            ("5 minutes", "use whole numbers with the units"),
            ("1.5h", "use whole numbers with the units"),
            ("5M", "use whole numbers with the units"),
            ("m", "use whole numbers with the units"),
            ("''", "the duration is empty"),
            ("30m1h", "largest first"),
            ("1h1h", "largest first"),
            ("99999999999999999999d", "too large"),
        ]
    )
    func rejects(text: String, messageFragment: String) throws {
        let found = try problem(SettingsSection.minimalYAML + "scan:\n  deadline: \(text)\n")
        #expect(found.code == .invalidValue)
        #expect(found.keyPath == "scan.deadline")
        #expect(found.line == 9)
        #expect(found.column == 13)
        #expect(found.message.contains(messageFragment), "\(found.message)")
    }

    @Test("rejects a non-scalar duration as the wrong type")
    func rejectsList() throws {
        let found = try problem(SettingsSection.minimalYAML + "scan:\n  deadline: [5m]\n")
        #expect(found.code == .wrongType)
        #expect(found.keyPath == "scan.deadline")
    }

    @Test("rejects a zero deadline and zero poll intervals")
    func rejectsZero() {
        let found = SettingsSection.problems(inYAML: SettingsSection.minimalYAML + "scan:\n  deadline: 0s\n  pollInterval:\n    floor: 0\n")
        #expect(found.map(\.keyPath) == ["scan.deadline", "scan.pollInterval.floor"])
        #expect(found.map(\.line) == [9, 11])
        #expect(found.allSatisfy { $0.message == "must be greater than zero (got 0s)" })
    }

    @Test("rejects a poll floor above the ceiling, at the floor's line")
    func floorAboveCeiling() throws {
        let found = try problem(SettingsSection.minimalYAML + "scan:\n  pollInterval:\n    floor: 5m\n    ceiling: 2m\n")
        #expect(found.code == .invalidValue)
        #expect(found.keyPath == "scan.pollInterval.floor")
        #expect(found.line == 10)
        #expect(found.message == "the floor (5m) must not exceed the ceiling (2m)")
    }

    @Test("compares the floor with the default ceiling")
    func floorAboveDefaultCeiling() throws {
        let found = try problem(SettingsSection.minimalYAML + "scan:\n  pollInterval:\n    floor: 1h\n")
        #expect(found.keyPath == "scan.pollInterval.floor")
        #expect(found.message == "the floor (1h) must not exceed the ceiling (2m, the default)")
    }
}

@Suite("Settings: rejected configurations")
struct SettingsRejectionTests {
    @Test("reports YAML syntax errors with their position")
    func syntaxError() throws {
        let found = try problem("database: /tmp/x.sqlite\nvms: [unclosed\ncredential: {}\n")
        #expect(found.code == .syntax)
        #expect(found.keyPath == "")
        #expect(found.line == 3)
        #expect(found.message.hasPrefix("not valid YAML: "))
    }

    @Test("reports duplicate keys with the line of the key")
    func duplicateKey() throws {
        let found = try problem(SettingsSection.minimalYAML + "database: /tmp/other.sqlite\n")
        #expect(found.code == .syntax)
        #expect(found.line == 1)
        #expect(found.message.contains("'database' appears more than once"))
    }

    @Test("reports an empty document")
    func emptyDocument() throws {
        let found = try problem("# nothing here\n")
        #expect(found.code == .missingKey)
        #expect(found.message.contains("the configuration is empty"))
    }

    @Test("reports a document that is not a mapping")
    func notAMapping() throws {
        let found = try problem("- database\n")
        #expect(found.code == .wrongType)
        #expect(found.message == "expected a mapping, found a list")
    }

    @Test("suggests the closest allowed key for a misspelt key")
    func unknownKeyWithSuggestion() throws {
        let found = try problem(SettingsSection.minimalYAML + "scan:\n  concurency: 4\n")
        #expect(found.code == .unknownKey)
        #expect(found.keyPath == "scan.concurency")
        #expect(found.line == 9)
        #expect(found.column == 3)
        #expect(found.message == "unknown key 'concurency'; did you mean 'concurrency'?")
    }

    @Test("suggests keys whose only difference is case")
    func unknownKeyCase() {
        let found = SettingsSection.problems(inYAML: SettingsSection.minimalYAML.replacingOccurrences(of: "tenantId", with: "tenantID"))
        #expect(found.map(\.code) == [.unknownKey, .missingKey])
        #expect(found.map(\.keyPath) == ["credential.tenantID", "credential.tenantId"])
        #expect(found.first?.message == "unknown key 'tenantID'; did you mean 'tenantId'?")
    }

    @Test("lists the allowed keys when nothing is close")
    func unknownKeyWithoutSuggestion() throws {
        let found = try problem(SettingsSection.minimalYAML + "logging: debug\n")
        #expect(found.keyPath == "logging")
        #expect(found.line == 8)
        #expect(found.message.contains("allowed keys here: 'database', 'azure', 'credential', 'vms', 'scan', 'thresholds'"))
    }

    @Test(
        "rejects secrets in the configuration file without echoing them",
        arguments: ["secret", "clientSecret", "client_secret", "password", "ClientSecretValue", "secretToken"]
    )
    func secretKeys(key: String) throws {
        let yaml = """
            database: /tmp/x.sqlite
            credential:
              tenantId: t
              clientId: c
              secretEnv: AZURE_CLIENT_SECRET
              \(key): hunter2-very-secret
            vms: [\(web01)]
            """
        let found = try problem(yaml)
        #expect(found.code == .secretInConfiguration)
        #expect(found.keyPath == "credential.\(key)")
        #expect(found.line == 6)
        #expect(found.message.contains("secrets are never read from the configuration file"))
        #expect(found.message.contains("secretEnv") && found.message.contains("secretFile"))
        #expect(!found.message.contains("hunter2"))
    }

    @Test("reports every missing required key, at the line of the mapping that lacks it, in document order")
    func missingKeys() {
        let yaml = """
            azure:
              apiVersion: "2022-08-01"
            credential:
              secretEnv: X
            """
        let found = SettingsSection.problems(inYAML: yaml)
        #expect(found.map(\.keyPath) == ["database", "vms", "credential.tenantId", "credential.clientId"])
        #expect(found.allSatisfy { $0.code == .missingKey })
        #expect(found.map(\.line) == [1, 1, 4, 4])
    }

    @Test("reports values of the wrong type with what was found")
    func wrongTypes() {
        let yaml = """
            database: [a, b]
            credential: /not/a/mapping
            vms: /subscriptions/not-a-list
            scan:
              concurrency: "many"
            thresholds:
              rebootPending: maybe
              otherPatchCount: 1.5
            """
        let found = SettingsSection.problems(inYAML: yaml)
        #expect(found.map(\.keyPath) == [
            "database", "credential", "vms", "scan.concurrency", "thresholds.rebootPending", "thresholds.otherPatchCount",
        ])
        #expect(found.allSatisfy { $0.code == .wrongType })
        #expect(found.map(\.line) == [1, 2, 3, 5, 7, 8])
        #expect(found[3].message == "expected a whole number, found a string (\"many\")")
        #expect(found[4].message == "expected true or false, found a string (\"maybe\")")
        #expect(found[5].message == "expected a whole number, found a number (1.5)")
    }

    @Test("rejects a concurrency below one", arguments: [0, -3])
    func concurrencyBelowOne(value: Int) throws {
        let found = try problem(SettingsSection.minimalYAML + "scan:\n  concurrency: \(value)\n")
        #expect(found.code == .invalidValue)
        #expect(found.keyPath == "scan.concurrency")
        #expect(found.line == 9)
        #expect(found.message == "must be at least 1 (got \(value))")
        #expect(found.description == "9:16: scan.concurrency: must be at least 1 (got \(value))")
    }

    @Test("rejects negative thresholds")
    func negativeThresholds() {
        let found = SettingsSection.problems(inYAML: SettingsSection.minimalYAML + "thresholds:\n  criticalAndSecurityPatchCount: -1\n  otherPatchCount: -2\n")
        #expect(found.map(\.keyPath) == ["thresholds.criticalAndSecurityPatchCount", "thresholds.otherPatchCount"])
        #expect(found.map(\.line) == [9, 10])
        #expect(found.map(\.message) == ["must be at least 0 (got -1)", "must be at least 0 (got -2)"])
    }

    @Test(
        "rejects malformed and insecure endpoint URLs",
        arguments: [
            ("management.azure.com", "must be an absolute URL"),
            ("ftp://management.azure.com", "uses the scheme 'ftp'"),
            ("https://", "has no host"),
            ("https://management.azure.com/?x=1", "must not have a query"),
            ("https://management.azure.com/#top", "fragment"),
            ("https://user:pa55@management.azure.com", "must not contain a user name or password"),
            ("http://management.azure.com", "uses plain http to 'management.azure.com'"),
            ("http://128.0.0.1", "uses plain http"),
            ("http://127.0.0.1.example.com", "uses plain http"),
            ("''", "must not be empty"),
        ]
    )
    func badEndpoints(url: String, messageFragment: String) throws {
        let found = try problem(SettingsSection.minimalYAML + "azure:\n  authorityHost: \(url)\n")
        #expect(found.keyPath == "azure.authorityHost")
        #expect(found.line == 9)
        #expect(found.message.contains(messageFragment), "\(found.message)")
        #expect(!found.message.contains("pa55"))
    }

    @Test(
        "rejects API versions that are not YYYY-MM-DD[-preview]",
        arguments: ["2022-8-01", "v1", "2022-13-01", "2022-08-32", "2022-08-01-beta", "22-08-01"]
    )
    func badAPIVersion(version: String) throws {
        let found = try problem(SettingsSection.minimalYAML + "azure:\n  apiVersion: \(version)\n")
        #expect(found.code == .invalidValue)
        #expect(found.keyPath == "azure.apiVersion")
        #expect(found.line == 9)
        #expect(found.message.contains("use the YYYY-MM-DD form"))
    }

    @Test("accepts an unquoted API version, which YAML would otherwise read as a date")
    func unquotedAPIVersion() throws {
        let settings = try Settings.parse(yaml: SettingsSection.minimalYAML + "azure:\n  apiVersion: 2023-09-01\n", source: "t.yaml")
        #expect(settings.azure.apiVersion == "2023-09-01")
    }

    @Test("rejects malformed resource ids with the reason from VMResourceID")
    func malformedResourceIDs() {
        let yaml = """
            database: /tmp/x.sqlite
            credential: {tenantId: t, clientId: c, secretEnv: S}
            vms:
              - \(web01)
              - /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic
              - id: /subscriptions/s/resourceGroups/rg
            """
        let found = SettingsSection.problems(inYAML: yaml)
        #expect(found.map(\.keyPath) == ["vms[1]", "vms[2].id"])
        #expect(found.map(\.line) == [5, 6])
        #expect(found.allSatisfy { $0.code == .invalidValue })
        #expect(found.first?.message == "invalid resource id: the provider is 'Microsoft.Network'; "
            + "only Microsoft.Compute virtual machines can be scanned")
    }

    @Test("rejects VM mappings with both id and parts, with neither, or with parts missing or invalid")
    func vmMappingShapes() {
        let yaml = """
            database: /tmp/x.sqlite
            credential: {tenantId: t, clientId: c, secretEnv: S}
            vms:
              - id: \(web01)
                name: web-01
              - location: eastus
              - subscription: sub
                resourceGroup: rg
              - subscription: sub
                resourceGroup: rg web
                name: vm
              -
              - [a]
            """
        let found = SettingsSection.problems(inYAML: yaml)
        #expect(found.map(\.keyPath) == ["vms[0].name", "vms[1].id", "vms[2].name", "vms[3].resourceGroup", "vms[4]", "vms[5]"])
        #expect(found.map(\.code) == [.conflictingKeys, .missingKey, .missingKey, .invalidValue, .wrongType, .wrongType])
        #expect(found.map(\.line) == [5, 6, 7, 10, 12, 13])
        #expect(found[0].message == "give either 'id' or 'subscription', 'resourceGroup' and 'name', not both")
        #expect(found[3].message.contains("contains whitespace"))
    }

    @Test("rejects unknown keys in VM entries")
    func vmUnknownKey() throws {
        let yaml = SettingsSection.minimalYAML + "  - id: \(web01.replacingOccurrences(of: "web-01", with: "web-02"))\n    region: eastus\n"
        let found = try problem(yaml)
        #expect(found.keyPath == "vms[1].region")
        #expect(found.line == 9)
    }

    @Test("rejects an empty VM list")
    func emptyVMList() throws {
        let yaml = SettingsSection.minimalYAML.replacingOccurrences(of: "vms:\n  - \(web01)\n", with: "vms: []\n")
        let found = try problem(yaml)
        #expect(found.code == .invalidValue)
        #expect(found.keyPath == "vms")
        #expect(found.line == 6)
        #expect(found.message == "list at least one virtual machine")
    }

    @Test("rejects the same VM listed twice, ignoring case, naming both entries' lines")
    func duplicateVMs() throws {
        let yaml = SettingsSection.minimalYAML + """
              - id: \(web01.replacingOccurrences(of: "web-01", with: "web-02"))
              - subscription: 00000000-0000-0000-0000-000000000001
                resourceGroup: RG-WEB
                name: WEB-01

            """
        let found = try problem(yaml)
        #expect(found.code == .duplicateVM)
        #expect(found.keyPath == "vms[2]")
        #expect(found.line == 9)
        #expect(found.message.hasPrefix("vms[0] (line 7) and vms[2] (line 9) are the same virtual machine"))
    }

    @Test("requires exactly one of secretEnv and secretFile")
    func secretSourceCount() throws {
        let both = try problem(SettingsSection.minimalYAML.replacingOccurrences(
            of: "  secretEnv: AZURE_CLIENT_SECRET\n",
            with: "  secretEnv: AZURE_CLIENT_SECRET\n  secretFile: /run/secret\n"
        ))
        #expect(both.code == .conflictingKeys)
        #expect(both.keyPath == "credential.secretFile")
        #expect(both.line == 6)

        let neither = try problem(SettingsSection.minimalYAML.replacingOccurrences(of: "  secretEnv: AZURE_CLIENT_SECRET\n", with: ""))
        #expect(neither.code == .missingKey)
        #expect(neither.keyPath == "credential.secretEnv")
        #expect(neither.line == 3)
        #expect(neither.message.contains("'secretEnv' or 'secretFile'"))
    }

    @Test("rejects a secretEnv that is not a variable name, without echoing it")
    func secretEnvLooksLikeASecret() throws {
        let found = try problem(SettingsSection.minimalYAML.replacingOccurrences(of: "AZURE_CLIENT_SECRET", with: "Abc~8Q.xyz-secret"))
        #expect(found.keyPath == "credential.secretEnv")
        #expect(found.line == 5)
        #expect(!found.message.contains("Abc~8Q"))
    }

    @Test("rejects a relative secretFile")
    func relativeSecretFile() throws {
        let found = try problem(SettingsSection.minimalYAML.replacingOccurrences(
            of: "secretEnv: AZURE_CLIENT_SECRET", with: "secretFile: client-secret"
        ))
        #expect(found.keyPath == "credential.secretFile")
        #expect(found.message.contains("must be an absolute path"))
    }

    @Test("rejects unsupported credential types and malformed tenant ids")
    func credentialValues() {
        let yaml = SettingsSection.minimalYAML
            .replacingOccurrences(of: "credential:\n", with: "credential:\n  type: managedIdentity\n")
            .replacingOccurrences(of: "contoso.onmicrosoft.com", with: "contoso/../x")
        let found = SettingsSection.problems(inYAML: yaml)
        #expect(found.map(\.keyPath) == ["credential.type", "credential.tenantId"])
        #expect(found.map(\.line) == [3, 4])
        #expect(found.first?.message == "unsupported credential type 'managedIdentity'; supported: 'clientSecret'")
    }

    @Test("reports all problems of a file at once, formatted with the source, line and key path")
    func allProblemsAtOnce() {
        let yaml = """
            database: /tmp/x.sqlite
            credential:
              tenantId: t
              clientId: c
              secretEnv: S
              password: x
            vms:
              - /subscriptions/s/resourceGroups/rg
            scan:
              concurrency: 0
              deadlin: 5m
            """
        do {
            _ = try Settings.parse(yaml: yaml, source: "patchscan.yaml")
            Issue.record("expected the configuration to be rejected")
        } catch {
            #expect(error.source == "patchscan.yaml")
            #expect(error.problems.count == 4)
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.first == "invalid configuration patchscan.yaml (4 problems); fix the file and start again:")
            #expect(lines.contains("patchscan.yaml:10:16: scan.concurrency: must be at least 1 (got 0)"))
            #expect(lines.contains("patchscan.yaml:11:3: scan.deadlin: unknown key 'deadlin'; did you mean 'deadline'?"))
            #expect(lines.contains { $0.hasPrefix("patchscan.yaml:6:3: credential.password: 'password' is not allowed") })
            #expect(lines.contains { $0.hasPrefix("patchscan.yaml:8:5: vms[0]: invalid resource id: ") })
        }
    }
}

@Suite("SecretSource")
struct SecretSourceTests {
    private func temporaryFile(_ contents: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("patchscan-secret-\(UUID().uuidString)").path
        try contents.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("reads the secret from the injected environment")
    func environment() throws {
        let secret = try SecretSource.environment("MY_SECRET").resolve(environment: ["MY_SECRET": "s3cr3t"])
        #expect(secret == "s3cr3t")
    }

    @Test("reports a missing environment variable by name, suggesting what to do")
    func missingEnvironmentVariable() {
        #expect {
            try SecretSource.environment("MY_SECRET").resolve(environment: ["OTHER": "s3cr3t"])
        } throws: { error in
            guard let error = error as? SecretError else { return false }
            return error.code == .environmentVariableMissing && error.description.contains("MY_SECRET")
                && error.description.contains("is not set") && !error.description.contains("s3cr3t")
        }
    }

    @Test("reports an empty environment variable")
    func emptyEnvironmentVariable() {
        #expect {
            try SecretSource.environment("MY_SECRET").resolve(environment: ["MY_SECRET": ""])
        } throws: { error in
            (error as? SecretError)?.code == .environmentVariableEmpty
        }
    }

    @Test("reads a file and drops its trailing line break", arguments: ["s3cr3t\n", "s3cr3t\r\n", "s3cr3t"])
    func file(contents: String) throws {
        let path = try temporaryFile(Data(contents.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SecretSource.file(path).resolve(environment: [:]) == "s3cr3t")
    }

    @Test("reports a missing file by path, with the reason")
    func missingFile() {
        let path = "/nonexistent/patchscan-\(UUID().uuidString)"
        #expect {
            try SecretSource.file(path).resolve(environment: [:])
        } throws: { error in
            guard let error = error as? SecretError else { return false }
            return error.code == .fileUnreadable && error.description.contains(path) && error.detail == "no such file"
        }
    }

    @Test("reports a file holding only a line break as empty, without its contents")
    func emptyFile() throws {
        let path = try temporaryFile(Data("\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try SecretSource.file(path).resolve(environment: [:])
        } throws: { error in
            (error as? SecretError)?.code == .fileEmpty
        }
    }

    @Test("reports a file that is not UTF-8")
    func binaryFile() throws {
        let path = try temporaryFile(Data([0xFF, 0xFE, 0x00, 0xC3]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try SecretSource.file(path).resolve(environment: [:])
        } throws: { error in
            (error as? SecretError)?.code == .fileNotUTF8
        }
    }
}
