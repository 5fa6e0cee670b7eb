/// A string value from an Azure enum declared `modelAsString` (extensible): values this client
/// does not know are kept verbatim rather than rejected.
///
/// Codable comes from the standard library's `RawRepresentable` support, which never fails because
/// `init(rawValue:)` accepts any string.
public protocol ExtensibleStringValue: RawRepresentable<String>, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Creates a value from any string.
    init(rawValue: String)
}

extension ExtensibleStringValue {
    /// The value exactly as Azure sent it.
    public var description: String { rawValue }
}

/// `PatchOperationStatus`: the overall status of an assessment result.
public struct PatchOperationStatus: ExtensibleStringValue {
    /// The value exactly as Azure sent it.
    public let rawValue: String
    /// Creates a status from any string.
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: "Unknown")
    public static let inProgress = Self(rawValue: "InProgress")
    public static let failed = Self(rawValue: "Failed")
    public static let succeeded = Self(rawValue: "Succeeded")
    public static let completedWithWarnings = Self(rawValue: "CompletedWithWarnings")
}

/// `VMGuestPatchRebootBehavior`: what installing a patch does to the VM.
public struct RebootBehavior: ExtensibleStringValue {
    /// The value exactly as Azure sent it.
    public let rawValue: String
    /// Creates a value from any string.
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: "Unknown")
    public static let neverReboots = Self(rawValue: "NeverReboots")
    public static let alwaysRequiresReboot = Self(rawValue: "AlwaysRequiresReboot")
    public static let canRequestReboot = Self(rawValue: "CanRequestReboot")
}

/// `PatchAssessmentState`: whether a patch is available for installation.
public struct PatchAssessmentState: ExtensibleStringValue {
    /// The value exactly as Azure sent it.
    public let rawValue: String
    /// Creates a value from any string.
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let unknown = Self(rawValue: "Unknown")
    public static let available = Self(rawValue: "Available")
}
