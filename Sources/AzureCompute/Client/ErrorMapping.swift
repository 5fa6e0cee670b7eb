import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension ComputeClient {
    /// Turns an error response into an ``AzureError`` naming the failure, the VM and what to do.
    func mapError(_ response: TransportResponse, vm: VMResourceID, activity: String) -> AzureError {
        let apiError = response.apiError
        let status = response.status.code
        let apiCode = apiError?.code ?? ""
        let apiMessage = (apiError?.details?.last?.message ?? apiError?.message).map { ": \($0)" } ?? ""
        let code: AzureError.Code
        let advice: String
        if status == 429 || apiError?.isComputeThrottling == true {
            code = .throttled
            advice = "Azure throttled \(activity) for \(vm.name); it will be retried on a later cycle"
        } else {
            switch status {
            case 401:
                code = .authenticationFailed
                advice = "Azure rejected the access token (\(apiCode)) while \(activity); check that the tenant owns subscription \(vm.subscriptionID)"
            case 403:
                code = .forbidden
                advice = "the identity may not assess \(vm.name); grant Microsoft.Compute/virtualMachines/assessPatches/action on its scope"
            case 404:
                code = .notFound
                advice = "VM \(vm.name) or resource group \(vm.resourceGroup) was not found in subscription \(vm.subscriptionID); remove it from the config or fix the id"
            case 409:
                (code, advice) = Self.classifyConflict(apiError, vm: vm)
            case 400:
                code = .badRequest
                advice = "Azure rejected the request while \(activity) (\(apiCode)); check azure.apiVersion and the VM id"
            case 408, 500...:
                code = .serverError
                advice = "Azure kept failing while \(activity) for \(vm.name); retries ran out, it will be retried on a later cycle"
            default:
                code = .unexpectedResponse
                advice = "unexpected HTTP status while \(activity) for \(vm.name)"
            }
        }
        return AzureError(
            code: code,
            message: advice + apiMessage,
            httpStatus: Int(status),
            apiError: apiError,
            requestID: response.headers.first(name: "x-ms-request-id"),
            correlationID: response.headers.first(name: "x-ms-correlation-request-id")
        )
    }

    private static func classifyConflict(_ apiError: APIError?, vm: VMResourceID) -> (AzureError.Code, String) {
        let code = apiError?.code ?? ""
        let message = (apiError?.message ?? "").lowercased()
        if code.caseInsensitiveCompare("VMAgentStatusCommunicationError") == .orderedSame {
            return (.agentUnavailable, "the VM agent on \(vm.name) is not reporting; check the guest agent and its outbound connectivity")
        }
        if message.contains("another operation") {
            return (.conflict, "another operation is in progress on \(vm.name); it will be retried on a later cycle")
        }
        if message.contains("deallocat") || message.contains("to be running") || message.contains("not running") {
            return (.notRunning, "\(vm.name) is not running (stopped or deallocated), so its patches cannot be assessed")
        }
        return (.conflict, "Azure refused the operation on \(vm.name) (\(code.isEmpty ? "409" : code))")
    }
}

extension TransportResponse {
    /// The error the body carries: ARM's `CloudError` envelope, or the bare error Compute's troubleshooting doc
    /// shows for throttling; nil when the body is empty or holds neither.
    public var apiError: APIError? {
        guard body.readableBytes > 0 else { return nil }
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(CloudError.self, from: body), let error = envelope.error {
            return error
        }
        if let bare = try? decoder.decode(APIError.self, from: body), bare.code != nil {
            return bare
        }
        return nil
    }
}
