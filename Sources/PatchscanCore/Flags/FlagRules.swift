import AzureCompute
import PatchscanStore

/// Why a VM needs attention after an assessment.
public struct FlagKind: Hashable, Sendable, CustomStringConvertible {
    /// Stable name, stored in the `flag.kind` column.
    public let name: String
    private init(_ name: String) { self.name = name }
    /// The kind a `flag.kind` value names.
    init(storedName name: String) { self.name = name }
    public var description: String { name }

    /// The result says a reboot is pending.
    public static let rebootPending = FlagKind(StoredFlagKind.rebootPending)
    /// Critical and security patches at or above the threshold.
    public static let criticalAndSecurityPatches = FlagKind(StoredFlagKind.criticalAndSecurityPatches)
    /// Other patches at or above the threshold.
    public static let otherPatches = FlagKind(StoredFlagKind.otherPatches)
}

/// One raised flag: the observed value and the threshold it met.
public struct Flag: Hashable, Sendable, CustomStringConvertible {
    /// What was flagged.
    public var kind: FlagKind
    /// The observed value (1 for reboot pending).
    public var value: Int
    /// The configured threshold (1 for reboot pending).
    public var threshold: Int

    /// Creates a flag.
    public init(kind: FlagKind, value: Int, threshold: Int) {
        self.kind = kind
        self.value = value
        self.threshold = threshold
    }

    public var description: String {
        switch kind {
        case .rebootPending: "reboot pending"
        case .criticalAndSecurityPatches: "\(value) critical/security patches (threshold \(threshold))"
        case .otherPatches: "\(value) other patches (threshold \(threshold))"
        default: "\(kind) \(value) ≥ \(threshold)"
        }
    }
}

extension Thresholds {
    /// The flags a result raises under these thresholds. Missing values raise nothing.
    public func flags(for result: AssessPatchesResult) -> [Flag] {
        var flags: [Flag] = []
        if rebootPending, result.rebootPending == true {
            flags.append(Flag(kind: .rebootPending, value: 1, threshold: 1))
        }
        if let threshold = criticalAndSecurityPatchCount, let count = result.criticalAndSecurityPatchCount, count >= threshold {
            flags.append(Flag(kind: .criticalAndSecurityPatches, value: count, threshold: threshold))
        }
        if let threshold = otherPatchCount, let count = result.otherPatchCount, count >= threshold {
            flags.append(Flag(kind: .otherPatches, value: count, threshold: threshold))
        }
        return flags
    }
}
