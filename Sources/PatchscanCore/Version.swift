/// patchscan's own version, sent in the User-Agent and stored with each scan run.
public enum PatchscanVersion {
    /// The release version.
    public static let current = "0.1.0"
    /// The User-Agent sent to Azure.
    public static var userAgent: String { "patchscan/\(current)" }
}
