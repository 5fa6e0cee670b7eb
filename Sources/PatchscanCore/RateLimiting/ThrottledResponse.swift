import AzureCompute
import Foundation
import NIOHTTP1

/// A response in which Azure refused a request for lack of budget, and the client-side bucket to pause for it.
struct ThrottledResponse {
    /// The bucket whose budget ran out.
    let bucket: BucketKey
    /// How long Azure asked to wait, when it said.
    let retryAfter: Duration?
    /// Azure's error code, for the log (`SubscriptionRequestsThrottled`, `OperationNotAllowed`, …).
    let errorCode: String?

    /// Classifies `response`, or returns nil when it is not a throttling response.
    ///
    /// - ARM's own 429 (`SubscriptionRequestsThrottled`, `TenantRequestsThrottled`, or a 429 without a Compute body)
    ///   → the subscription's ARM read or write bucket: the kind the message names (`'read'`/`'write'`), else the
    ///   request's kind.
    /// - Compute's 429 (a `TooManyRequests` detail, or `ResourceRequestsThrottled`) → the budget the request draws
    ///   on at Compute. When the detail's embedded `allowedRequestCount` fits the per-VM burst, the per-VM budget
    ///   ran out (assessPatches: that VM's guest-patch bucket; polls: that VM's GetOperation bucket); otherwise, or
    ///   when Azure does not say, the subscription-wide one (assessPatches: the subscription and region's
    ///   guest-patch bucket; polls: the subscription's ARM read bucket, which all polls draw on).
    init?(_ response: TransportResponse, context: RequestContext, settings: RateLimitSettings, now: Date) {
        // Only error statuses can be throttling; a success body (a poll's result) is not parsed.
        guard response.status.code >= 400 else { return nil }
        let apiError = response.apiError
        let computeThrottled = apiError?.isComputeThrottling == true
        guard response.status == .tooManyRequests || computeThrottled else { return nil }
        let code = apiError?.code ?? ""
        errorCode = apiError?.code
        retryAfter = requestedRetryDelay(in: response.headers, now: now)

        let isCompute = computeThrottled || code.caseInsensitiveCompare("ResourceRequestsThrottled") == .orderedSame
        guard isCompute else {
            bucket = Self.armBucket(message: apiError?.message, context: context)
            return
        }
        let allowed = Self.allowedRequestCount(apiError)
        switch context.operation {
        case .assessPatches:
            bucket = allowed.map { $0 <= settings.assessPatchesPerVM.burst } == true
                ? .guestPatchVM(context.vm) : .guestPatchRegion(context.vm, location: context.location)
        default:
            bucket = allowed.map { $0 <= settings.pollsPerVM.burst } == true
                ? .getOperation(context.vm) : .armReads(context.vm)
        }
    }

    private static func armBucket(message: String?, context: RequestContext) -> BucketKey {
        let text = (message ?? "").lowercased()
        if text.contains("'read'") { return .armReads(context.vm) }
        if text.contains("'write'") { return .armWrites(context.vm) }
        return context.operation == .assessPatches ? .armWrites(context.vm) : .armReads(context.vm)
    }

    /// The smallest `allowedRequestCount` in the JSON documents Compute embeds in `TooManyRequests` details.
    private static func allowedRequestCount(_ error: APIError?) -> Int? {
        struct PolicyWindow: Decodable {
            let allowedRequestCount: Int?
        }
        let details = error?.details ?? []
        return details
            .filter { $0.code?.caseInsensitiveCompare("TooManyRequests") == .orderedSame }
            .compactMap { detail in
                detail.message.flatMap { try? JSONDecoder().decode(PolicyWindow.self, from: Data($0.utf8)) }?
                    .allowedRequestCount
            }
            .min()
    }
}
