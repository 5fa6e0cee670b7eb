import Foundation

/// Where and how patchscan talks to Azure.
public struct AzureSettings: Sendable, Equatable {
    /// The public-cloud Resource Manager endpoint.
    public static let defaultResourceManager = builtInURL("https://management.azure.com")
    /// The public-cloud Microsoft Entra ID authority host.
    public static let defaultAuthorityHost = builtInURL("https://login.microsoftonline.com")
    /// The Compute API version whose `assessPatches` shape patchscan understands.
    public static let defaultAPIVersion = "2022-08-01"

    /// Base URL of Azure Resource Manager (`azure.resourceManager`).
    public var resourceManager: URL
    /// Base URL of the token authority (`azure.authorityHost`).
    public var authorityHost: URL
    /// The `api-version` query value sent to Microsoft.Compute (`azure.apiVersion`).
    public var apiVersion: String
    /// A PEM file of extra trust roots added to the system ones (`azure.caBundle`), if any.
    public var caBundlePath: String?

    /// Creates Azure settings; every argument defaults to the public cloud.
    public init(
        resourceManager: URL = AzureSettings.defaultResourceManager,
        authorityHost: URL = AzureSettings.defaultAuthorityHost,
        apiVersion: String = AzureSettings.defaultAPIVersion,
        caBundlePath: String? = nil
    ) {
        self.resourceManager = resourceManager
        self.authorityHost = authorityHost
        self.apiVersion = apiVersion
        self.caBundlePath = caBundlePath
    }
}

/// Builds a URL from a literal written in this file.
private func builtInURL(_ literal: StaticString) -> URL {
    guard let url = URL(string: "\(literal)") else {
        preconditionFailure("built-in URL \(literal) does not parse")
    }
    return url
}
