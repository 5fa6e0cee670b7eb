/// One request the emulator answered, recorded in arrival order.
public struct JournalEntry: Sendable {
    /// What the request was for.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `POST /{tenant}/oauth2/v2.0/token`.
        case token
        /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
        case openIDConfiguration
        /// `POST …/virtualMachines/{vm}/assessPatches`.
        case assessPatches
        /// `GET` of an `Azure-AsyncOperation` URL.
        case operationStatus
        /// `GET` of a `Location` URL (`monitor=true`).
        case operationResult
        /// `GET /subscriptions`.
        case listSubscriptions
        /// `GET …/providers/Microsoft.Compute/virtualMachines` (subscription or resource group).
        case listVirtualMachines
        /// Anything else (answered 404 or 405).
        case other
    }

    /// What the request was for.
    public var kind: Kind
    /// The HTTP method.
    public var method: String
    /// The request path, as sent.
    public var path: String
    /// The raw query string, if any.
    public var query: String?
    /// For assessPatches and polls of a VM's operation: the VM's lower-cased resource id.
    public var vmResourceID: String?
    /// The HTTP status the emulator answered.
    public var status: Int
    /// Whether the request carried `Authorization: Bearer …`.
    public var hadBearerToken: Bool
    /// `x-ms-client-request-id` (ARM) or `client-request-id` (token endpoint), when sent.
    public var clientRequestID: String?
    /// The `User-Agent` header, when sent.
    public var userAgent: String?
    /// When the emulator handled the request, on the emulator's clock (see ``EmulatorClockMode``).
    public var at: ContinuousClock.Instant
    /// The subscription id an ARM request names in its path, as written there.
    public var subscriptionID: String?
    /// The VM's region: from the VM for assessPatches, from the URL for polls; `nil` for an unknown VM.
    public var location: String?
    /// For a 429 the emulator answered: the budget that refused it (a forced throttle names the budget it imitates).
    public var throttledBy: BudgetName?

    /// Creates an entry.
    public init(
        kind: Kind,
        method: String,
        path: String,
        query: String?,
        vmResourceID: String?,
        status: Int,
        hadBearerToken: Bool,
        clientRequestID: String?,
        userAgent: String?,
        at: ContinuousClock.Instant,
        subscriptionID: String? = nil,
        location: String? = nil,
        throttledBy: BudgetName? = nil
    ) {
        self.kind = kind
        self.method = method
        self.path = path
        self.query = query
        self.vmResourceID = vmResourceID
        self.status = status
        self.hadBearerToken = hadBearerToken
        self.clientRequestID = clientRequestID
        self.userAgent = userAgent
        self.at = at
        self.subscriptionID = subscriptionID
        self.location = location
        self.throttledBy = throttledBy
    }

    /// `subscription/region`, lower-cased: the key of the per-subscription-and-region budgets; `nil` without both.
    public var subscriptionRegion: String? {
        BudgetName.guestPatchRegion.key(of: self)
    }
}
