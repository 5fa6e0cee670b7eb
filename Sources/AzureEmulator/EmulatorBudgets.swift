/// The throttling budgets the emulator enforces, as token buckets; `nil` leaves a budget unlimited.
///
/// ``azure`` holds Azure's published numbers (ARM per-principal and global subscription buckets, the Compute
/// RP's guest-patch and GetOperation buckets). ``scaled(by:)`` shrinks or grows every bucket at once, for
/// benchmarks that must hit the limits in a minute rather than an hour; ``unlimited`` enforces nothing.
public struct EmulatorBudgets: Sendable, Hashable {
    /// One token bucket: `capacity` tokens when full, refilled continuously at `refillPerSecond`.
    public struct Bucket: Sendable, Hashable {
        /// The most tokens the bucket holds (the burst); a full bucket admits this many requests at once.
        public var capacity: Int
        /// Tokens added per second, continuously (Azure's per-minute rates divided by 60).
        public var refillPerSecond: Double

        /// Creates a bucket; `capacity` should be at least 1 and `refillPerSecond` above 0.
        public init(capacity: Int, refillPerSecond: Double) {
            self.capacity = capacity
            self.refillPerSecond = refillPerSecond
        }

        /// A bucket refilled by `refill` tokens per minute, as the Compute RP documents its limits.
        public static func perMinute(capacity: Int, refill: Double) -> Bucket {
            Bucket(capacity: capacity, refillPerSecond: refill / 60)
        }

        /// This bucket with capacity and refill multiplied by `factor` (capacity rounded, at least 1).
        public func scaled(by factor: Double) -> Bucket {
            Bucket(
                capacity: max(1, Int((Double(self.capacity) * factor).rounded())),
                refillPerSecond: self.refillPerSecond * factor
            )
        }
    }

    /// Compute RP guest-patch operations (assessPatches) per subscription and region: 600, 200 per minute.
    public var guestPatchRegion: Bucket?
    /// Compute RP guest-patch operations per VM: 6, 2 per minute.
    public var guestPatchVM: Bucket?
    /// Compute RP GetOperation (both polling URLs) per subscription and region: 15,000, 5,000 per minute.
    public var getOperationRegion: Bucket?
    /// Compute RP GetOperation per VM (the operation's VM): 45, 15 per minute.
    public var getOperationVM: Bucket?
    /// ARM writes (POST) per subscription for the one emulated principal: 200, 10 per second.
    public var armWrites: Bucket?
    /// ARM reads (GET) per subscription for the one emulated principal: 250, 25 per second.
    public var armReads: Bucket?
    /// ARM writes per subscription across principals: 15× ``armWrites``.
    public var armGlobalWrites: Bucket?
    /// ARM reads per subscription across principals: 15× ``armReads``.
    public var armGlobalReads: Bucket?
    /// `Retry-After` (seconds) on the Compute RP's 429s; Azure sends 60 to 1,200. ARM's 429s instead carry
    /// the seconds until the exhausted bucket holds a token again.
    public var computeRetryAfterSeconds: Int

    /// Creates budgets; every bucket defaults to unlimited.
    public init(
        guestPatchRegion: Bucket? = nil,
        guestPatchVM: Bucket? = nil,
        getOperationRegion: Bucket? = nil,
        getOperationVM: Bucket? = nil,
        armWrites: Bucket? = nil,
        armReads: Bucket? = nil,
        armGlobalWrites: Bucket? = nil,
        armGlobalReads: Bucket? = nil,
        computeRetryAfterSeconds: Int = 60
    ) {
        self.guestPatchRegion = guestPatchRegion
        self.guestPatchVM = guestPatchVM
        self.getOperationRegion = getOperationRegion
        self.getOperationVM = getOperationVM
        self.armWrites = armWrites
        self.armReads = armReads
        self.armGlobalWrites = armGlobalWrites
        self.armGlobalReads = armGlobalReads
        self.computeRetryAfterSeconds = computeRetryAfterSeconds
    }

    /// Azure's published budgets (wire reference §3), with a 60-second Compute `Retry-After`.
    public static let azure = EmulatorBudgets(
        guestPatchRegion: .perMinute(capacity: 600, refill: 200),
        guestPatchVM: .perMinute(capacity: 6, refill: 2),
        getOperationRegion: .perMinute(capacity: 15_000, refill: 5_000),
        getOperationVM: .perMinute(capacity: 45, refill: 15),
        armWrites: Bucket(capacity: 200, refillPerSecond: 10),
        armReads: Bucket(capacity: 250, refillPerSecond: 25),
        armGlobalWrites: Bucket(capacity: 3_000, refillPerSecond: 150),
        armGlobalReads: Bucket(capacity: 3_750, refillPerSecond: 375),
        computeRetryAfterSeconds: 60
    )

    /// No budget enforced; the rate-limit headers are left out.
    public static let unlimited = EmulatorBudgets()

    /// These budgets with every bucket's capacity and refill multiplied by `factor`; `Retry-After` is kept.
    public func scaled(by factor: Double) -> EmulatorBudgets {
        var scaled = self
        for name in BudgetName.allCases {
            scaled[name] = self[name]?.scaled(by: factor)
        }
        return scaled
    }

    /// The bucket of one budget.
    public subscript(name: BudgetName) -> Bucket? {
        get {
            switch name {
            case .guestPatchRegion: self.guestPatchRegion
            case .guestPatchVM: self.guestPatchVM
            case .getOperationRegion: self.getOperationRegion
            case .getOperationVM: self.getOperationVM
            case .armWrites: self.armWrites
            case .armReads: self.armReads
            case .armGlobalWrites: self.armGlobalWrites
            case .armGlobalReads: self.armGlobalReads
            }
        }
        set {
            switch name {
            case .guestPatchRegion: self.guestPatchRegion = newValue
            case .guestPatchVM: self.guestPatchVM = newValue
            case .getOperationRegion: self.getOperationRegion = newValue
            case .getOperationVM: self.getOperationVM = newValue
            case .armWrites: self.armWrites = newValue
            case .armReads: self.armReads = newValue
            case .armGlobalWrites: self.armGlobalWrites = newValue
            case .armGlobalReads: self.armGlobalReads = newValue
            }
        }
    }
}
