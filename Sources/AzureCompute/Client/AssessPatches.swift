import Foundation
import Logging
import NIOFoundationCompat
import NIOHTTP1

/// A completed assessment and how it was obtained.
public struct AssessPatchesResponse: Sendable {
    /// The assessment result (from the `Location` URL, or inline for a synchronous 200).
    public var result: AssessPatchesResult
    /// Terminal status of the long-running operation as Azure wrote it; `nil` when Azure answered synchronously.
    public var operationStatus: String?
    /// `x-ms-request-id` of the assessPatches POST.
    public var requestID: String?
    /// `x-ms-correlation-request-id` of the assessPatches POST.
    public var correlationID: String?
    /// Status polls made.
    public var pollCount: Int
}

/// An accepted (202) assessPatches operation: everything needed to resume polling it, even after a restart.
///
/// The URLs are signed and must be kept verbatim; treat them as secrets (never log them in full).
public struct AcceptedOperation: Sendable, Hashable, Codable {
    /// The `Azure-AsyncOperation` URL, if Azure sent one.
    public var statusURL: String?
    /// The `Location` URL, if Azure sent one.
    public var locationURL: String?
    /// `x-ms-request-id` of the POST that started the operation.
    public var requestID: String?
    /// `x-ms-correlation-request-id` of that POST.
    public var correlationID: String?

    /// Creates a record of an accepted operation.
    public init(statusURL: String?, locationURL: String?, requestID: String?, correlationID: String?) {
        self.statusURL = statusURL
        self.locationURL = locationURL
        self.requestID = requestID
        self.correlationID = correlationID
    }
}

extension ComputeClient {
    /// Runs `assessPatches` on one VM to completion.
    ///
    /// A 200 carries the result inline. A 202 starts a long-running operation: the client reports it to
    /// `onAccepted` (so it can be persisted and resumed after a restart), waits the `Retry-After`, polls
    /// `Azure-AsyncOperation` (else `Location`) until a terminal state, and on success GETs `Location` once for
    /// the result (`final-state-via: location`). Operation URLs are used verbatim.
    ///
    /// - Parameters:
    ///   - location: The VM's region, for per-region rate limits; `nil` when unknown.
    ///   - deadline: Overall limit for the whole assessment, measured on the client's clock.
    ///   - onAccepted: Called once when Azure accepts the operation, before the first poll.
    /// - Throws: ``AzureError`` naming the failure.
    public func assessPatches(
        vm: VMResourceID,
        location: String? = nil,
        deadline: Duration,
        onAccepted: @Sendable (AcceptedOperation) async -> Void = { _ in },
        logger: Logger
    ) async throws(AzureError) -> AssessPatchesResponse {
        var logger = logger
        logger[metadataKey: "vm.id"] = "\(vm.path)"
        let budget = clock.deadline(after: deadline)
        let url = "\(baseURL)\(vm.path)/assessPatches?api-version=\(configuration.apiVersion)"
        let response = try await send(
            .POST, url: url, context: RequestContext(operation: .assessPatches, vm: vm, location: location),
            idempotent: false, deadline: budget, activity: "starting assessPatches", logger: logger
        )
        let requestID = response.headers.first(name: "x-ms-request-id")
        let correlationID = response.headers.first(name: "x-ms-correlation-request-id")
        logger[metadataKey: "azure.request_id"] = requestID.map { "\($0)" }
        logger[metadataKey: "azure.correlation_id"] = correlationID.map { "\($0)" }

        switch response.status {
        case .ok:
            let result = try decodeResult(response, vm: vm, what: "the synchronous assessPatches response")
            return AssessPatchesResponse(
                result: result, operationStatus: nil, requestID: requestID, correlationID: correlationID, pollCount: 0
            )
        case .accepted:
            let accepted = AcceptedOperation(
                statusURL: response.headers.first(name: "Azure-AsyncOperation"),
                locationURL: response.headers.first(name: "Location"),
                requestID: requestID,
                correlationID: correlationID
            )
            var operation = try LongRunningOperation(
                accepted, vm: vm, location: location, client: self,
                firstDelay: requestedRetryDelay(in: response.headers), httpStatus: 202
            )
            await onAccepted(accepted)
            return try await operation.finish(accepted, deadline: budget, logger: logger)
        default:
            throw mapError(response, vm: vm, activity: "starting assessPatches")
        }
    }

    /// Resumes polling an operation accepted earlier (for example by a process that was restarted),
    /// without starting a new assessment.
    public func resumeAssessment(
        vm: VMResourceID,
        location: String? = nil,
        operation accepted: AcceptedOperation,
        deadline: Duration,
        logger: Logger
    ) async throws(AzureError) -> AssessPatchesResponse {
        var logger = logger
        logger[metadataKey: "vm.id"] = "\(vm.path)"
        logger[metadataKey: "azure.request_id"] = accepted.requestID.map { "\($0)" }
        var operation = try LongRunningOperation(
            accepted, vm: vm, location: location, client: self, firstDelay: .zero, httpStatus: nil
        )
        return try await operation.finish(accepted, deadline: clock.deadline(after: deadline), logger: logger)
    }

    func decodeResult(_ response: TransportResponse, vm: VMResourceID, what: String) throws(AzureError) -> AssessPatchesResult {
        do {
            return try JSONDecoder().decode(AssessPatchesResult.self, from: response.body)
        } catch {
            throw AzureError(
                code: .malformedResponse,
                message: "could not decode \(what) for \(vm.name): \(Self.describeDecodingError(error))",
                httpStatus: Int(response.status.code),
                requestID: response.headers.first(name: "x-ms-request-id"),
                correlationID: response.headers.first(name: "x-ms-correlation-request-id")
            )
        }
    }

    static func describeDecodingError(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "invalid JSON"
        }
    }
}

/// The polling state machine of one accepted (202) assessPatches operation.
struct LongRunningOperation {
    let vm: VMResourceID
    let client: ComputeClient
    let statusURL: String?
    let locationURL: String?
    let context: RequestContext
    var pollCount = 0
    private var nextDelay: Duration

    init(
        _ accepted: AcceptedOperation, vm: VMResourceID, location: String?, client: ComputeClient,
        firstDelay: Duration?, httpStatus: Int?
    ) throws(AzureError) {
        self.vm = vm
        self.client = client
        self.statusURL = accepted.statusURL
        self.locationURL = accepted.locationURL
        self.context = RequestContext(operation: .pollOperation, vm: vm, location: location)
        guard statusURL != nil || locationURL != nil else {
            throw AzureError(
                code: .malformedResponse,
                message: "assessPatches for \(vm.name) was accepted without an Azure-AsyncOperation or Location header",
                httpStatus: httpStatus,
                requestID: accepted.requestID
            )
        }
        for url in [statusURL, locationURL].compactMap({ $0 }) where !client.endpoint.permits(url) {
            throw AzureError(
                code: .untrustedHost,
                message: "assessPatches for \(vm.name) returned an operation URL outside the configured resource manager host; refusing to send the token there",
                httpStatus: httpStatus,
                requestID: accepted.requestID
            )
        }
        // Honour the initial Retry-After before the first poll, as the Go SDK does.
        self.nextDelay = client.policy.pollDelay(requested: firstDelay)
    }

    /// Polls to completion and attaches the POST's request ids to the response or the error.
    mutating func finish(_ accepted: AcceptedOperation, deadline: Deadline, logger: Logger) async throws(AzureError) -> AssessPatchesResponse {
        do throws(AzureError) {
            let (result, status) = try await complete(deadline: deadline, logger: logger)
            return AssessPatchesResponse(
                result: result, operationStatus: status, requestID: accepted.requestID,
                correlationID: accepted.correlationID, pollCount: pollCount
            )
        } catch {
            var error = error
            error.requestID = error.requestID ?? accepted.requestID
            error.correlationID = error.correlationID ?? accepted.correlationID
            throw error
        }
    }

    /// Polls to a terminal state and returns the result with the operation's terminal status text.
    mutating func complete(deadline: Deadline, logger: Logger) async throws(AzureError) -> (AssessPatchesResult, String) {
        guard let statusURL else {
            return (try await pollLocation(locationURL ?? "", deadline: deadline, logger: logger), "Succeeded")
        }
        let status = try await pollStatus(statusURL, deadline: deadline, logger: logger)
        if let locationURL {
            return (try await pollLocation(locationURL, deadline: deadline, logger: logger), status.status ?? "Succeeded")
        }
        guard let output = status.properties?.output else {
            throw AzureError(
                code: .malformedResponse,
                message: "the operation for \(vm.name) succeeded but Azure gave no Location URL and no properties.output to read the result from",
                operationStatus: status.status
            )
        }
        return (output, status.status ?? "Succeeded")
    }

    /// Polls the Azure-AsyncOperation status resource until `Succeeded`; throws for `Failed`, `Canceled` and errors.
    private mutating func pollStatus(_ url: String, deadline: Deadline, logger: Logger) async throws(AzureError) -> OperationStatus {
        while true {
            let response = try await poll(url, deadline: deadline, activity: "polling the assessPatches operation status", logger: logger)
            switch response.status {
            case .ok:
                let status: OperationStatus
                do {
                    status = try JSONDecoder().decode(OperationStatus.self, from: response.body)
                } catch {
                    throw AzureError(
                        code: .malformedResponse,
                        message: "could not decode the operation status for \(vm.name): \(ComputeClient.describeDecodingError(error))",
                        httpStatus: 200,
                        requestID: response.headers.first(name: "x-ms-request-id")
                    )
                }
                switch OperationState(status.status) {
                case .succeeded:
                    return status
                case .failed:
                    throw terminalFailure(.operationFailed, status: status, response: response)
                case .canceled:
                    throw terminalFailure(.operationCanceled, status: status, response: response)
                case .nonTerminal(let state):
                    logger.trace("Operation still running", metadata: ["op.status": "\(state)", "op.polls": "\(pollCount)"])
                    nextDelay = client.policy.pollDelay(requested: requestedRetryDelay(in: response.headers))
                }
            case .notFound:
                throw operationLost(response)
            default:
                throw client.mapError(response, vm: vm, activity: "polling the assessPatches operation")
            }
        }
    }

    /// GETs the Location URL until it stops answering 202, then decodes the result.
    private mutating func pollLocation(_ url: String, deadline: Deadline, logger: Logger) async throws(AzureError) -> AssessPatchesResult {
        var firstRequest = statusURL != nil
        while true {
            let response: TransportResponse
            if firstRequest {
                // The status resource already said Succeeded: fetch the result at once.
                response = try await client.send(
                    .GET, url: url, context: context, idempotent: true, deadline: deadline, activity: "fetching the assessPatches result",
                    logger: logger
                )
                firstRequest = false
            } else {
                response = try await poll(url, deadline: deadline, activity: "polling the assessPatches result", logger: logger)
            }
            switch response.status {
            case .ok:
                return try client.decodeResult(response, vm: vm, what: "the assessPatches result")
            case .accepted:
                nextDelay = client.policy.pollDelay(requested: requestedRetryDelay(in: response.headers))
            case .notFound:
                throw operationLost(response)
            default:
                var error = client.mapError(response, vm: vm, activity: "fetching the assessPatches result")
                if error.apiError?.code != nil, error.code == .serverError {
                    error.code = .operationFailed
                    error.operationStatus = "Failed"
                }
                throw error
            }
        }
    }

    private mutating func poll(_ url: String, deadline: Deadline, activity: String, logger: Logger) async throws(AzureError) -> TransportResponse {
        try await client.pacer.pause(nextDelay, before: deadline, while: "waiting for the assessment of \(vm.name)")
        pollCount += 1
        return try await client.send(
            .GET, url: url, context: context, idempotent: true, deadline: deadline, activity: activity, logger: logger
        )
    }

    private func terminalFailure(_ code: AzureError.Code, status: OperationStatus, response: TransportResponse) -> AzureError {
        let reason = [status.error?.code, status.error?.message].compactMap { $0 }.joined(separator: ": ")
        return AzureError(
            code: code,
            message: "the assessPatches operation for \(vm.name) ended \(status.status ?? "without a status")"
                + (reason.isEmpty ? "" : " (\(reason))"),
            httpStatus: Int(response.status.code),
            apiError: status.error,
            operationStatus: status.status,
            requestID: response.headers.first(name: "x-ms-request-id"),
            correlationID: response.headers.first(name: "x-ms-correlation-request-id")
        )
    }

    private func operationLost(_ response: TransportResponse) -> AzureError {
        AzureError(
            code: .operationLost,
            message: "Azure no longer knows the assessPatches operation for \(vm.name) (404 on its operation URL); it will be assessed again on a later cycle",
            httpStatus: 404,
            apiError: response.apiError,
            requestID: response.headers.first(name: "x-ms-request-id")
        )
    }
}
