import AzureCompute
import Foundation
import NIOHTTP1

/// What one response says about Azure's remaining budget, read from the `x-ms-ratelimit-remaining-*` headers.
struct BudgetSignals: Equatable {
    /// One reported remainder.
    struct Remaining: Equatable {
        /// The client-side bucket this budget corresponds to.
        let kind: BucketKind
        /// Requests Azure says are left.
        let remaining: Int
        /// Azure's budget size relative to the bucket's configured burst: 1 for a principal's own budget, 15 for a
        /// subscription's global ARM budget, which all principals share.
        let scale: Int
    }

    /// ARM's subscription counters (per principal and global), one entry per header present.
    let arm: [Remaining]
    /// The smallest remainder among the `Microsoft.Compute/<policy>;<n>` pairs of every
    /// `x-ms-ratelimit-remaining-resource` header, or nil when there is none.
    let computeResource: Int?

    /// ARM's global subscription budget is 15 times a principal's, shared by all principals.
    static let globalScale = 15

    private static let armHeaders: [(name: String, kind: BucketKind, scale: Int)] = [
        ("x-ms-ratelimit-remaining-subscription-writes", .armWrites, 1),
        ("x-ms-ratelimit-remaining-subscription-global-writes", .armWrites, globalScale),
        ("x-ms-ratelimit-remaining-subscription-reads", .armReads, 1),
        ("x-ms-ratelimit-remaining-subscription-global-reads", .armReads, globalScale),
    ]

    init(_ headers: HTTPHeaders) {
        arm = Self.armHeaders.compactMap { header in
            let values = headers[header.name].compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return values.min().map { Remaining(kind: header.kind, remaining: max(0, $0), scale: header.scale) }
        }
        computeResource = Self.computeRemainders(headers["x-ms-ratelimit-remaining-resource"]).min()
    }

    /// Every `Microsoft.Compute/<policy>;<n>` remainder in the given header values. Policy names are not
    /// interpreted: Azure does not document the guest-patch policy's name, and names differ between windows.
    static func computeRemainders(_ values: [String]) -> [Int] {
        values.flatMap { $0.split(separator: ",") }.compactMap { pair in
            let parts = pair.split(separator: ";")
            guard parts.count == 2,
                let provider = parts[0].split(separator: "/").first?.trimmingCharacters(in: .whitespaces),
                provider.caseInsensitiveCompare("Microsoft.Compute") == .orderedSame,
                let remaining = Int(parts[1].trimmingCharacters(in: .whitespaces))
            else { return nil }
            return max(0, remaining)
        }
    }
}

/// The adaptive rule: how much of a bucket to keep and how fast to refill it, given what Azure says remains.
struct SlowDown: Equatable {
    /// The bucket keeps at most this many tokens.
    let levelLimit: Double
    /// Share of the refill rate in effect.
    let rateFactor: Double

    /// With `S` Azure's budget size and `T = slowDownBelow × S`: the bucket keeps at most `remaining − T` tokens,
    /// so patchscan alone never takes Azure's budget below `T`, and it refills at full speed while
    /// `remaining ≥ 2T`, slowing linearly to ``TokenBucket/minimumRateFactor`` as `remaining` falls to `T`.
    init(remaining: Int, budgetSize: Double, slowDownBelow: Double) {
        let threshold = slowDownBelow * budgetSize
        let headroom = Double(remaining) - threshold
        levelLimit = max(0, headroom)
        rateFactor = headroom >= threshold ? 1 : max(TokenBucket.minimumRateFactor, headroom / threshold)
    }
}
