import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// ``HTTPTransport`` over one shared AsyncHTTPClient `HTTPClient`.
public struct AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    private let timeout: TimeAmount
    private let maxResponseBytes: Int

    /// Creates a transport.
    /// - Parameters:
    ///   - client: The process's HTTP client; its lifetime is the caller's.
    ///   - timeout: Deadline for one request, from send to the last body byte.
    ///   - maxResponseBytes: Larger bodies are an error (assessment results are at most a few hundred KB).
    public init(client: HTTPClient, timeout: Duration = .seconds(60), maxResponseBytes: Int = 16 * 1024 * 1024) {
        self.client = client
        self.timeout = TimeAmount(timeout)
        self.maxResponseBytes = maxResponseBytes
    }

    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body {
            outgoing.body = .bytes(body)
        } else if request.method == .POST || request.method == .PUT {
            outgoing.headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            let body = try await response.body.collect(upTo: maxResponseBytes)
            return TransportResponse(status: response.status, headers: response.headers, body: body)
        } catch {
            throw TransportError(requestNotSent: Self.isConnectFailure(error), reason: Self.describe(error))
        }
    }

    private static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .connectTimeout || error == .getConnectionFromPoolTimeout
                || error == .tlsHandshakeTimeout
        }
        return error is NIOConnectionError
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "HTTP client error: \(error)" }
        if error is NIOConnectionError { return "could not connect" }
        if let error = error as? IOError { return "I/O error: \(error.description)" }
        return "transport error: \(type(of: error))"
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
