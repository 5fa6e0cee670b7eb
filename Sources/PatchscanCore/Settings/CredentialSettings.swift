/// How patchscan authenticates to Microsoft Entra ID. The secret itself is never part of the settings:
/// ``secret`` says where to read it, and the composition root calls ``SecretSource/resolve(environment:)``.
public struct CredentialSettings: Sendable, Equatable {
    /// The kind of credential (`credential.type`).
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// An app registration's client id and client secret (OAuth 2.0 client credentials grant).
        case clientSecret
    }

    /// The kind of credential.
    public var kind: Kind
    /// The directory (tenant) id or domain (`credential.tenantId`).
    public var tenantID: String
    /// The application (client) id (`credential.clientId`).
    public var clientID: String
    /// Where the client secret is read from (`credential.secretEnv` or `credential.secretFile`).
    public var secret: SecretSource

    /// Creates credential settings.
    public init(kind: Kind = .clientSecret, tenantID: String, clientID: String, secret: SecretSource) {
        self.kind = kind
        self.tenantID = tenantID
        self.clientID = clientID
        self.secret = secret
    }
}
