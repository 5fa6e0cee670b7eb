import AzureCompute
import NIOHTTP1

/// An ``HTTPTransport`` that counts and times every request it passes on
/// (``PatchscanMetrics/Name/azureRequests`` and ``PatchscanMetrics/Name/azureRequestDuration``).
///
/// Wrap the innermost transport with it, below retries, so each attempt is counted once.
public struct InstrumentedTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let metrics: PatchscanMetrics
    private let clock: any Clock<Duration>

    /// Wraps `base`, measuring durations on `clock`.
    public init(wrapping base: any HTTPTransport, metrics: PatchscanMetrics, clock: any Clock<Duration>) {
        self.base = base
        self.metrics = metrics
        self.clock = clock
    }

    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let operation = PatchscanMetrics.Operation(classifying: request)
        let elapsed = clock.stopwatch()
        do {
            let response = try await base.send(request)
            metrics.recordAzureRequest(operation: operation, status: .http(Int(response.status.code)), duration: elapsed())
            return response
        } catch {
            metrics.recordAzureRequest(operation: operation, status: .transportError, duration: elapsed())
            throw error
        }
    }
}

extension PatchscanMetrics.Operation {
    /// Classifies a request by its method and URL path; the query decides between status and result polls.
    public init(classifying request: TransportRequest) {
        let (path, query) = Self.pathAndQuery(of: request.url)
        switch request.method {
        case .POST where path.hasSuffix("/oauth2/v2.0/token"):
            self = .token
        case .POST where path.hasSuffix("/assesspatches"):
            self = .assessPatches
        case .GET where path.contains("/operations/"):
            let isResult = query.split(separator: "&").contains { $0 == "monitor=true" }
            self = isResult ? .pollResult : .pollStatus
        default:
            self = .other
        }
    }

    /// The lowercased path and query of an absolute URL, without scheme, authority or fragment.
    private static func pathAndQuery(of url: String) -> (path: Substring, query: Substring) {
        let lowered = url.lowercased()
        var rest = Substring(lowered)
        if let schemeEnd = rest.firstRange(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            rest = rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...]
        }
        if let fragment = rest.firstIndex(of: "#") {
            rest = rest[..<fragment]
        }
        guard let queryStart = rest.firstIndex(of: "?") else { return (rest, "") }
        return (rest[..<queryStart], rest[rest.index(after: queryStart)...])
    }
}
