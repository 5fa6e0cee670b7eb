/// An OAuth access token and how long it stays valid.
public struct AccessToken: Sendable, CustomStringConvertible {
    /// The bearer token. Never log it.
    public let value: String
    /// Lifetime from the moment the token was issued.
    public let expiresIn: Duration

    /// Creates a token.
    public init(value: String, expiresIn: Duration) {
        self.value = value
        self.expiresIn = expiresIn
    }

    public var description: String { "AccessToken(<redacted>, expiresIn: \(expiresIn))" }
}

/// Obtains new tokens from an identity endpoint (client secret today; certificates, workload and managed identity later).
public protocol TokenCredential: Sendable {
    /// Requests a fresh token for `scope` (e.g. `https://management.azure.com/.default`).
    func requestToken(scope: String) async throws(AzureError) -> AccessToken
}

/// Hands out a valid bearer token for Azure Resource Manager requests.
public protocol AccessTokenProvider: Sendable {
    /// A token valid for at least a few more minutes.
    func token() async throws(AzureError) -> String
    /// Forgets `token` after Azure rejected it, so the next call fetches a new one.
    func invalidate(_ token: String) async
}

/// A secret string whose descriptions and mirrors never show the value.
public struct RedactedSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret. Read it only to put it on the wire.
    public let value: String
    /// Wraps a secret.
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
