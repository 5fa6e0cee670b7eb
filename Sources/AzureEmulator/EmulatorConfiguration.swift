/// Everything that shapes an ``AzureEmulator``: its fleet, its identity and its timing.
public struct EmulatorConfiguration: Sendable {
    /// The tenant the default configuration uses.
    public static let defaultTenantID = "72f988bf-0000-4000-8000-00000000e1e1"
    /// The client (application) id the default configuration accepts.
    public static let defaultClientID = "0b5e2c1a-0000-4000-8000-00000000c11e"
    /// The client secret the default configuration accepts.
    public static let defaultClientSecret = "emulator-secret-not-for-production"
    /// The token audiences ARM requests accept.
    public static let armAudiences = [
        "https://management.azure.com", "https://management.azure.com/",
        "https://management.core.windows.net", "https://management.core.windows.net/",
    ]

    /// Seeds every generated value (subscription ids, fleet, results).
    public var seed: UInt64
    /// The number of generated subscriptions.
    public var subscriptionCount: Int
    /// The number of generated VMs in each subscription.
    public var vmsPerSubscription: Int
    /// The fractions of generated VMs with each non-healthy behaviour.
    public var faultMix: FaultMix
    /// The only tenant the token endpoint knows.
    public var tenantID: String
    /// The only client id the token endpoint knows.
    public var clientID: String
    /// The only client secret the token endpoint accepts.
    public var clientSecret: String
    /// How long issued tokens live (`expires_in`).
    public var tokenLifetime: Duration
    /// `Retry-After` on 202 responses and polls (and on generated throttling faults); 0 is allowed.
    public var retryAfterSeconds: Int
    /// How many status polls answer `InProgress` before an operation becomes terminal (counted across both polling URLs).
    public var pollsUntilComplete: Int
    /// Latency added to every ARM response.
    public var latency: Duration
    /// When set, used instead of the generated fleet.
    public var fleet: [EmulatedVM]?
    /// Audiences (`aud`) ARM accepts in tokens; the token endpoint sets `aud` from the requested scope.
    public var acceptedAudiences: [String]
    /// The number of VMs per page of the VM list endpoints.
    public var listPageSize: Int
    /// The throttling budgets enforced; Azure's real ones by default (see docs/emulator.md).
    public var budgets: EmulatorBudgets
    /// Whether the emulator's clock (token buckets, token expiry, journal times) follows real time.
    public var clockMode: EmulatorClockMode

    /// Creates a configuration; the defaults suit tests (no `Retry-After` delay, no latency, 2 polls) and enforce
    /// Azure's real throttling budgets.
    public init(
        seed: UInt64 = 1,
        subscriptionCount: Int = 3,
        vmsPerSubscription: Int = 100,
        faultMix: FaultMix = .none,
        tenantID: String = Self.defaultTenantID,
        clientID: String = Self.defaultClientID,
        clientSecret: String = Self.defaultClientSecret,
        tokenLifetime: Duration = .seconds(3_600),
        retryAfterSeconds: Int = 0,
        pollsUntilComplete: Int = 2,
        latency: Duration = .zero,
        fleet: [EmulatedVM]? = nil,
        acceptedAudiences: [String] = Self.armAudiences,
        listPageSize: Int = 50,
        budgets: EmulatorBudgets = .azure,
        clockMode: EmulatorClockMode = .realTime
    ) {
        self.seed = seed
        self.subscriptionCount = subscriptionCount
        self.vmsPerSubscription = vmsPerSubscription
        self.faultMix = faultMix
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.retryAfterSeconds = retryAfterSeconds
        self.pollsUntilComplete = pollsUntilComplete
        self.latency = latency
        self.fleet = fleet
        self.acceptedAudiences = acceptedAudiences
        self.listPageSize = listPageSize
        self.budgets = budgets
        self.clockMode = clockMode
    }

    /// The subscription ids the generated fleet uses, derived from ``seed``.
    public var subscriptionIDs: [String] {
        (0..<max(0, self.subscriptionCount)).map { index in
            var random = SplitMix64(seed: SplitMix64.derive(self.seed, salt: 0x5AB5_0000 + UInt64(index)))
            return random.guid()
        }
    }
}
