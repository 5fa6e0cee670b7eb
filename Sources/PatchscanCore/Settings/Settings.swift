import Foundation
import Yams

/// patchscan's configuration, decoded and validated from its YAML file once at startup and passed down as a value.
///
/// See `config/patchscan.example.yaml` for every key. The client secret is not part of the settings:
/// ``CredentialSettings/secret`` says where to read it.
public struct Settings: Sendable, Equatable {
    /// Path of the SQLite database file (`database`).
    public var database: String
    /// Azure endpoints and API version (`azure`).
    public var azure: AzureSettings
    /// How to authenticate (`credential`).
    public var credential: CredentialSettings
    /// The virtual machines to assess (`vms`), never empty when decoded, without duplicates.
    public var vms: [VMTarget]
    /// Concurrency, deadline and polling (`scan`).
    public var scan: ScanSettings
    /// When results are flagged (`thresholds`).
    public var thresholds: Thresholds
    /// When the daemon assesses each VM (`schedule`).
    public var schedule: ScheduleSettings
    /// Client-side rate limits (`rateLimits`).
    public var rateLimits: RateLimitSettings
    /// The `/metrics`, `/healthz` and `/readyz` server of `patchscan run` (`metrics`).
    public var metrics: MetricsSettings

    /// Creates settings; the optional sections default as documented.
    public init(
        database: String,
        azure: AzureSettings = AzureSettings(),
        credential: CredentialSettings,
        vms: [VMTarget],
        scan: ScanSettings = ScanSettings(),
        thresholds: Thresholds = Thresholds(),
        schedule: ScheduleSettings = ScheduleSettings(),
        rateLimits: RateLimitSettings = RateLimitSettings(),
        metrics: MetricsSettings = MetricsSettings()
    ) {
        self.database = database
        self.azure = azure
        self.credential = credential
        self.vms = vms
        self.scan = scan
        self.thresholds = thresholds
        self.schedule = schedule
        self.rateLimits = rateLimits
        self.metrics = metrics
    }

    /// Reads and decodes the configuration file at `path`.
    ///
    /// - Throws: ``ConfigurationError`` whose source is `path`: the file cannot be read, or every problem in it.
    public static func load(contentsOf path: String) throws(ConfigurationError) -> Settings {
        func unreadable(_ reason: String) -> ConfigurationError {
            let problem = ConfigurationProblem(
                code: .unreadableFile, keyPath: "", line: nil, column: nil,
                message: "cannot read the configuration file: \(reason)"
            )
            return ConfigurationError(source: path, problems: [problem])
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw unreadable(
                FileErrorReason.describe(error, path: path) + "; check the path and that patchscan's user may read it"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw unreadable("it is not UTF-8 text")
        }
        return try parse(yaml: text, source: path)
    }

    /// Decodes and validates a configuration document.
    ///
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - source: Names the document in error messages, usually its file path.
    /// - Throws: ``ConfigurationError`` listing every problem, each with its key path and line.
    public static func parse(yaml: String, source: String) throws(ConfigurationError) -> Settings {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(source: source, problems: [YAMLSyntaxProblem.make(from: error, yaml: yaml)])
        }
        let reader = NodeReader()
        let settings = SettingsDecoder(reader: reader).settings(from: root)
        guard let settings, reader.problems.isEmpty else {
            throw ConfigurationError(source: source, problems: inDocumentOrder(reader.problems))
        }
        return settings
    }

    /// Sections are read in a fixed order; report problems in the order an operator reads the file.
    private static func inDocumentOrder(_ problems: [ConfigurationProblem]) -> [ConfigurationProblem] {
        problems.enumerated()
            .sorted { lhs, rhs in
                let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
                let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
                return left < right
            }
            .map(\.element)
    }
}
