/// A failure the token endpoint returns for every request while it is set
/// (see ``AzureEmulator/setTokenEndpointFailure(_:)``), in Entra ID's error shape.
public struct TokenEndpointFailure: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The OAuth `error` value, e.g. `invalid_client`.
    public var error: String
    /// The `AADSTS…` number, also sent in `error_codes`.
    public var aadstsCode: Int
    /// The description after `AADSTS{code}: `.
    public var description: String
    /// `Retry-After` in seconds, when the failure is transient.
    public var retryAfterSeconds: Int?

    /// Creates a failure.
    public init(status: Int, error: String, aadstsCode: Int, description: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.error = error
        self.aadstsCode = aadstsCode
        self.description = description
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// 401 `invalid_client` AADSTS7000215, as for a rotated or wrong secret.
    public static let invalidClientSecret = TokenEndpointFailure(
        status: 401,
        error: "invalid_client",
        aadstsCode: 7_000_215,
        description: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app."
    )

    /// 401 `invalid_client` AADSTS7000222, as for an expired secret.
    public static let expiredClientSecret = TokenEndpointFailure(
        status: 401,
        error: "invalid_client",
        aadstsCode: 7_000_222,
        description: "The provided client secret keys for app are expired. Visit the Azure portal to create new keys for your app."
    )

    /// 503 `temporarily_unavailable` AADSTS90033 (a transient error), with `Retry-After: 1`.
    public static let temporarilyUnavailable = TokenEndpointFailure(
        status: 503,
        error: "temporarily_unavailable",
        aadstsCode: 90_033,
        description: "A transient error has occurred. Please try again.",
        retryAfterSeconds: 1
    )
}
