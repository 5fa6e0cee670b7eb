import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An in-process emulator of the Azure endpoints patchscan uses: the Entra ID token endpoint, ARM's
/// assessPatches action with its long-running operation, and the VM and subscription lists.
///
/// Create it from an ``EmulatorConfiguration``, then serve it with ``run(host:port:onListening:)`` or, in
/// tests, ``withAzureEmulator(configuration:logger:_:)``. Every request lands in the ``journal()``.
public actor AzureEmulator {
    /// The configuration the emulator was created with.
    public nonisolated let configuration: EmulatorConfiguration
    let logger: Logger
    /// The object id of the one service principal, as it appears in tokens and 403 messages.
    let principalObjectID: String

    private(set) var vms: [EmulatedVM]
    private var index: FleetIndex
    var runtimes: [String: VMRuntime] = [:]
    var operations: [String: OperationRecord] = [:]
    var issuedTokens: [String: IssuedToken] = [:]
    var ledger: BudgetLedger
    var tokenFailure: TokenEndpointFailure?
    private var entries: [JournalEntry] = []
    /// Woken after every journaled request, for ``waitForJournal(where:)``.
    private var journalWatchers: [UInt64: AsyncStream<Void>.Continuation] = [:]
    private var nextWatcherID: UInt64 = 0
    private let clockStart: ContinuousClock.Instant
    private var clockOffset: Duration = .zero

    /// Case-insensitive lookups into the fleet.
    struct FleetIndex: Sendable {
        var byKey: [String: Int] = [:]
        var subscriptions: Set<String> = []
        var resourceGroups: Set<String> = []

        init(_ vms: [EmulatedVM]) {
            for (index, vm) in vms.enumerated() {
                self.byKey[vm.key] = index
                self.subscriptions.insert(vm.subscriptionID.lowercased())
                self.resourceGroups.insert("\(vm.subscriptionID)/\(vm.resourceGroup)".lowercased())
            }
        }
    }

    /// A token the emulator issued.
    struct IssuedToken: Sendable {
        var audience: String
        var expiresAt: ContinuousClock.Instant
        var expiresAtWallClock: AzureTimestamp
    }

    /// What a route handler produced, before the common ARM decoration and journaling.
    struct Handled: Sendable {
        var response: EmulatorResponse
        var kind: JournalEntry.Kind
        var scope = RequestScope()
    }

    /// Creates an emulator; the fleet is generated (or taken from `configuration.fleet`) here.
    public init(configuration: EmulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var random = SplitMix64(seed: SplitMix64.derive(configuration.seed, salt: 0x0B1E_C7))
        self.principalObjectID = random.guid()
        let vms = FleetGenerator.fleet(for: configuration)
        self.vms = vms
        self.index = FleetIndex(vms)
        self.ledger = BudgetLedger(budgets: configuration.budgets)
        self.clockStart = ContinuousClock.now
    }

    /// The emulator's current time: real time (``EmulatorClockMode/realTime``) or the start time
    /// (``EmulatorClockMode/manual``), plus every ``advanceClock(by:)`` so far.
    public var now: ContinuousClock.Instant {
        switch self.configuration.clockMode {
        case .realTime: ContinuousClock.now + self.clockOffset
        case .manual: self.clockStart + self.clockOffset
        }
    }

    /// Moves the emulator's clock forward: buckets refill and tokens age as if `duration` had passed.
    public func advanceClock(by duration: Duration) {
        self.clockOffset += max(.zero, duration)
    }

    /// The VMs, in generation order.
    public var fleet: [EmulatedVM] {
        self.vms
    }

    /// The distinct subscription ids of the fleet, in fleet order.
    public var subscriptionIDs: [String] {
        var seen: Set<String> = []
        return self.vms.map(\.subscriptionID).filter { seen.insert($0.lowercased()).inserted }
    }

    /// The VM with this resource id (compared case-insensitively).
    public func vm(resourceID: String) -> EmulatedVM? {
        self.index.byKey[resourceID.lowercased()].map { self.vms[$0] }
    }

    /// Changes how a VM behaves from now on and restarts its "first N POSTs" count.
    ///
    /// The VM's `result` is left as it is; to get a result shaped by a behaviour such as
    /// `.completedWithWarnings`, pass a VM from ``EmulatedVM/generate(subscriptionID:resourceGroup:name:location:osType:behavior:seed:)``
    /// to ``upsertVM(_:)`` instead.
    /// - Returns: `false` when no VM has that resource id.
    @discardableResult
    public func setBehavior(_ behavior: VMBehavior, forVM resourceID: String) -> Bool {
        guard let index = self.index.byKey[resourceID.lowercased()] else { return false }
        self.vms[index].behavior = behavior
        self.runtimes[self.vms[index].key]?.postAttempts = 0
        return true
    }

    /// Adds a VM, or replaces the VM with the same resource id (behaviour, result and all).
    public func upsertVM(_ vm: EmulatedVM) {
        if let index = self.index.byKey[vm.key] {
            self.vms[index] = vm
        } else {
            self.vms.append(vm)
        }
        self.runtimes[vm.key]?.postAttempts = 0
        self.index = FleetIndex(self.vms)
    }

    /// Every request answered so far, oldest first.
    public func journal() -> [JournalEntry] {
        self.entries
    }

    /// Suspends until the journal satisfies `condition`, checked now and after every request.
    ///
    /// Returns early, without the condition holding, when the calling task is cancelled; check ``journal()``
    /// afterwards when that matters.
    public func waitForJournal(where condition: @Sendable ([JournalEntry]) -> Bool) async {
        if condition(self.entries) { return }
        let (updates, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = self.nextWatcherID
        self.nextWatcherID += 1
        self.journalWatchers[id] = continuation
        defer { self.journalWatchers[id] = nil }
        for await _ in updates where condition(self.entries) {
            return
        }
    }

    /// Forgets the journal (for example between phases of a test).
    public func clearJournal() {
        self.entries.removeAll()
    }

    /// Expires every token issued so far: ARM requests bearing one get 401 `ExpiredAuthenticationToken`.
    public func revokeIssuedTokens() {
        let now = self.now
        let wallClock = AzureTimestamp.now()
        for token in self.issuedTokens.keys {
            self.issuedTokens[token]?.expiresAt = now
            self.issuedTokens[token]?.expiresAtWallClock = wallClock
        }
    }

    /// Makes the token endpoint answer every request with `failure` (or normally again with `nil`).
    public func setTokenEndpointFailure(_ failure: TokenEndpointFailure?) {
        self.tokenFailure = failure
    }

    func vmIndex(forKey key: String) -> Int? {
        self.index.byKey[key]
    }

    func hasSubscription(_ subscriptionID: String) -> Bool {
        self.index.subscriptions.contains(subscriptionID.lowercased())
    }

    func hasResourceGroup(_ resourceGroup: String, in subscriptionID: String) -> Bool {
        self.index.resourceGroups.contains("\(subscriptionID)/\(resourceGroup)".lowercased())
    }

    /// Answers one request: routes it, applies the ARM gate and decoration, journals and logs it.
    func handle(_ request: IncomingRequest) throws -> EmulatorResponse {
        let now = self.now
        let route = Route(path: request.path)
        var handled = try self.dispatch(route, request: request, now: now)
        if route.isARM {
            self.decorateARMResponse(&handled.response, request: request)
        }
        let clientRequestID = route.isARM ? request.header("x-ms-client-request-id") : request.header("client-request-id")
        self.entries.append(
            JournalEntry(
                kind: handled.kind,
                method: request.method,
                path: request.path,
                query: request.query,
                vmResourceID: handled.scope.vmResourceID,
                status: handled.response.status,
                hadBearerToken: request.bearerToken != nil,
                clientRequestID: clientRequestID,
                userAgent: request.header("user-agent"),
                at: now,
                subscriptionID: handled.scope.subscriptionID,
                location: handled.scope.location,
                throttledBy: handled.response.throttledBy
            )
        )
        for watcher in self.journalWatchers.values {
            watcher.yield()
        }
        self.logger.debug(
            "Emulator answered request",
            metadata: [
                "http.method": "\(request.method)",
                "http.path": "\(request.path)",
                "http.status": "\(handled.response.status)",
                "emulator.kind": "\(handled.kind.rawValue)",
                "vm.id": "\(handled.scope.vmResourceID ?? "-")",
                "azure.request_id": "\(handled.response.header("x-ms-request-id") ?? "-")",
            ]
        )
        return handled.response
    }

    private func dispatch(_ route: Route, request: IncomingRequest, now: ContinuousClock.Instant) throws -> Handled {
        if route != .unknown, request.method.uppercased() != route.method {
            let body = CloudErrorBody(
                code: "HttpMethodNotAllowed",
                message: "The HTTP method '\(request.method)' is not supported for '\(request.path)'; use \(route.method)."
            )
            var response = try EmulatorResponse.json(405, body)
            response.setHeader("Allow", route.method)
            return Handled(response: response, kind: .other)
        }
        switch route {
        case .token(let tenant):
            return Handled(response: try self.tokenResponse(tenant: tenant, request: request, now: now), kind: .token)
        case .openIDConfiguration(let tenant):
            return Handled(response: try self.openIDConfigurationResponse(tenant: tenant, request: request), kind: .openIDConfiguration)
        case .assessPatches(let subscriptionID, let resourceGroup, let vmName):
            let key = "/subscriptions/\(subscriptionID)/resourceGroups/\(resourceGroup)/providers/Microsoft.Compute/virtualMachines/\(vmName)"
                .lowercased()
            let response = try self.gated(request, subscriptionID: subscriptionID, now: now) { apiVersion in
                try self.assessPatches(
                    subscriptionID: subscriptionID, resourceGroup: resourceGroup, vmName: vmName,
                    request: request, apiVersion: apiVersion, now: now
                )
            }
            let location = self.index.byKey[key].map { self.vms[$0].location }
            return Handled(
                response: response,
                kind: .assessPatches,
                scope: RequestScope(subscriptionID: subscriptionID, location: location, vmResourceID: key)
            )
        case .operation(let subscriptionID, let location, let operationID):
            let isResult = request.queryValue("monitor")?.lowercased() == "true"
            let scope = self.pollScope(subscriptionID: subscriptionID, location: location, operationID: operationID)
            let response = try self.gated(request, subscriptionID: subscriptionID, now: now) { _ in
                try self.pollOperation(operationID: operationID, scope: scope, isResult: isResult, now: now)
            }
            return Handled(response: response, kind: isResult ? .operationResult : .operationStatus, scope: scope)
        case .listSubscriptions:
            let response = try self.gated(request, subscriptionID: nil, now: now) { _ in try self.listSubscriptions() }
            return Handled(response: response, kind: .listSubscriptions)
        case .listVirtualMachines(let subscriptionID, let resourceGroup):
            let response = try self.gated(request, subscriptionID: subscriptionID, now: now) { apiVersion in
                try self.listVirtualMachines(
                    subscriptionID: subscriptionID, resourceGroup: resourceGroup, request: request, apiVersion: apiVersion
                )
            }
            return Handled(response: response, kind: .listVirtualMachines, scope: RequestScope(subscriptionID: subscriptionID))
        case .unknown:
            let body = CloudErrorBody(code: "NotFound", message: "The emulator has no endpoint for '\(request.method) \(request.path)'.")
            return Handled(response: try .json(404, body), kind: .other)
        }
    }

    /// A fresh random GUID for request, trace and operation ids (not part of the deterministic fleet).
    func newGUID() -> String {
        UUID().uuidString.lowercased()
    }
}
