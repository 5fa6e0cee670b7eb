/// The daemon's current settings. SIGHUP replaces them; every scheduling decision reads them afresh.
public actor SettingsHolder {
    /// The settings in force.
    public private(set) var current: Settings
    /// How many times the settings were replaced.
    public private(set) var generation = 0

    /// Starts with `settings`.
    public init(_ settings: Settings) {
        self.current = settings
    }

    /// Replaces the settings in force.
    public func replace(with settings: Settings) {
        current = settings
        generation += 1
    }
}
