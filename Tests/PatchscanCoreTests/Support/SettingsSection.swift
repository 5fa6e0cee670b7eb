import PatchscanCore
import Testing

/// Decodes one configuration section appended to a minimal valid configuration, for the per-section settings tests.
enum SettingsSection {
    /// Seven lines; an appended section starts at line 8 and its first key is line 9.
    static let minimalYAML = """
        database: /tmp/patchscan-test.sqlite
        credential:
          tenantId: contoso.onmicrosoft.com
          clientId: 66666666-7777-8888-9999-000000000000
          secretEnv: AZURE_CLIENT_SECRET
        vms:
          - /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01

        """

    /// The settings of the minimal configuration plus `section`.
    static func parse(_ section: String) throws(ConfigurationError) -> Settings {
        try Settings.parse(yaml: minimalYAML + section, source: "test.yaml")
    }

    /// Every problem `section` is rejected with; records an issue when it is accepted.
    static func problems(_ section: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigurationProblem] {
        problems(inYAML: minimalYAML + section, sourceLocation: sourceLocation)
    }

    /// Every problem the whole configuration `yaml` is rejected with; records an issue when it is accepted.
    static func problems(inYAML yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigurationProblem] {
        do {
            let settings = try Settings.parse(yaml: yaml, source: "test.yaml")
            Issue.record("expected the configuration to be rejected, got \(settings)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.problems
        }
    }
}
