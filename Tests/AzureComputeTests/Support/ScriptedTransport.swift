import AzureCompute
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// A transport that answers from a script and records every request.
actor ScriptedTransport: HTTPTransport {
    typealias Handler = @Sendable (TransportRequest, Int) -> Result<TransportResponse, TransportError>

    private var script: [Result<TransportResponse, TransportError>]
    private let handler: Handler?
    private(set) var requests: [TransportRequest] = []

    /// Answers each request with the next scripted step, in order.
    init(_ script: [Result<TransportResponse, TransportError>]) {
        self.script = script
        self.handler = nil
    }

    /// Answers with a handler given the request and its 0-based index.
    init(handler: @escaping Handler) {
        self.script = []
        self.handler = handler
    }

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        let index = requests.count
        requests.append(request)
        let step: Result<TransportResponse, TransportError>
        if let handler {
            step = handler(request, index)
        } else if script.isEmpty {
            step = .success(TransportResponse(status: .internalServerError, body: ByteBuffer(string: "script exhausted")))
        } else {
            step = script.removeFirst()
        }
        return try step.get()
    }

    var urls: [String] { requests.map(\.url) }
    var methods: [HTTPMethod] { requests.map(\.method) }
}

/// Builds a scripted response.
func reply(_ status: HTTPResponseStatus, headers: [(String, String)] = [], json: String? = nil) -> Result<TransportResponse, TransportError> {
    var fields = HTTPHeaders(headers)
    if json != nil { fields.add(name: "Content-Type", value: "application/json") }
    return .success(TransportResponse(status: status, headers: fields, body: ByteBuffer(string: json ?? "")))
}

/// A fixed token provider that records invalidations and hands out numbered tokens.
actor CountingTokens: AccessTokenProvider {
    private(set) var issued = 0
    private(set) var invalidated: [String] = []
    private var current: String?

    func token() async throws(AzureError) -> String {
        if let current { return current }
        issued += 1
        let token = "token-\(issued)"
        current = token
        return token
    }

    func invalidate(_ token: String) async {
        invalidated.append(token)
        if current == token { current = nil }
    }
}

enum Fixtures {
    static let base = "https://management.azure.com"
    static let vm = try! VMResourceID(parsing: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01")
    static let statusURL = "\(base)/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Compute/locations/eastus/operations/op-1?p=abc&api-version=2022-08-01"
    static let locationURL = statusURL + "&monitor=true"

    static func example() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "VirtualMachine_AssessPatches", withExtension: "json", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func accepted(retryAfter: Int = 10, status: Bool = true, location: Bool = true) -> Result<TransportResponse, TransportError> {
        var headers: [(String, String)] = [("Retry-After", "\(retryAfter)"), ("x-ms-request-id", "req-post")]
        if status { headers.append(("Azure-AsyncOperation", statusURL)) }
        if location { headers.append(("Location", locationURL)) }
        return reply(.accepted, headers: headers)
    }

    static func status(_ state: String, retryAfter: Int = 10, error: String? = nil) -> Result<TransportResponse, TransportError> {
        var body = #"{"startTime":"2026-11-27T10:00:00.1234567+00:00","status":"\#(state)","name":"op-1""#
        if let error { body += #","error":\#(error)"# }
        body += "}"
        return reply(.ok, headers: [("Retry-After", "\(retryAfter)")], json: body)
    }
}
