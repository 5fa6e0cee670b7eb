/// A flag raised for a VM by a rule that compared an observed value with a configured threshold.
public struct FlagWrite: Sendable, Hashable {
    /// The rule that fired: one of the ``StoredFlagKind`` constants (the schema rejects other kinds).
    public var kind: String
    /// The observed value (1 for `reboot_pending`, otherwise a patch count).
    public var value: Int
    /// The configured threshold the rule compared the value with.
    public var threshold: Int

    /// Creates a flag write.
    public init(kind: String, value: Int, threshold: Int) {
        self.kind = kind
        self.value = value
        self.threshold = threshold
    }
}

/// The flag kinds `flag.kind` accepts. A new kind needs a schema migration.
public enum StoredFlagKind {
    /// The VM reports a pending reboot.
    public static let rebootPending = "reboot_pending"
    /// The VM's critical and security patch count reached the threshold.
    public static let criticalAndSecurityPatches = "critical_and_security_patches"
    /// The VM's other patch count reached the threshold.
    public static let otherPatches = "other_patches"
    /// Every kind, in the order above.
    public static let all = [rebootPending, criticalAndSecurityPatches, otherPatches]
}
