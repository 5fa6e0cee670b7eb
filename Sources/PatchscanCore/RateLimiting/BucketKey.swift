import AzureCompute

/// The kinds of client-side bucket.
enum BucketKind: Sendable {
    /// ARM writes per subscription.
    case armWrites
    /// ARM reads per subscription.
    case armReads
    /// Compute guest-patch operations per subscription and region.
    case guestPatchRegion
    /// Compute guest-patch operations per VM.
    case guestPatchVM
    /// Compute GetOperation (polls) per VM.
    case getOperation

    /// The `bucket` label of the rate-limit metrics.
    var metricBucket: PatchscanMetrics.Bucket {
        switch self {
        case .armWrites: .armWrites
        case .armReads: .armReads
        case .guestPatchRegion: .guestPatchRegion
        case .guestPatchVM: .guestPatchVM
        case .getOperation: .getOperation
        }
    }

    func limit(in settings: RateLimitSettings) -> BucketLimit {
        switch self {
        case .armWrites: settings.armWrites
        case .armReads: settings.armReads
        case .guestPatchRegion: settings.assessPatchesPerRegion
        case .guestPatchVM: settings.assessPatchesPerVM
        case .getOperation: settings.pollsPerVM
        }
    }
}

/// One bucket: its kind and what it is kept for (a subscription, a subscription and region, or a VM).
struct BucketKey: Hashable, Sendable {
    let kind: BucketKind
    /// Lowercased: ARM compares subscription ids, regions and resource ids case-insensitively.
    let scope: String

    static func armWrites(_ vm: VMResourceID) -> BucketKey {
        BucketKey(kind: .armWrites, scope: vm.subscriptionID.lowercased())
    }

    static func armReads(_ vm: VMResourceID) -> BucketKey {
        BucketKey(kind: .armReads, scope: vm.subscriptionID.lowercased())
    }

    /// VMs whose region is unknown share the subscription's bucket with an empty region.
    static func guestPatchRegion(_ vm: VMResourceID, location: String?) -> BucketKey {
        let region = (location ?? "").lowercased().filter { !$0.isWhitespace }
        return BucketKey(kind: .guestPatchRegion, scope: "\(vm.subscriptionID.lowercased())/\(region)")
    }

    static func guestPatchVM(_ vm: VMResourceID) -> BucketKey {
        BucketKey(kind: .guestPatchVM, scope: vm.canonicalKey)
    }

    static func getOperation(_ vm: VMResourceID) -> BucketKey {
        BucketKey(kind: .getOperation, scope: vm.canonicalKey)
    }

    /// The buckets a request draws one token from, most specific first: a request joins the queue of a bucket
    /// only once the buckets before it have a token for it, so a request held up by its own VM or region does not
    /// hold a place in the subscription's shared queue.
    static func charged(by context: RequestContext) -> [BucketKey] {
        switch context.operation {
        case .assessPatches:
            [.guestPatchVM(context.vm), .guestPatchRegion(context.vm, location: context.location), .armWrites(context.vm)]
        case .pollOperation:
            [.getOperation(context.vm), .armReads(context.vm)]
        default:
            [.armReads(context.vm)]
        }
    }
}
