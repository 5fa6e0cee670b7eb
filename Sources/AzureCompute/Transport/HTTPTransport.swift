import NIOCore
import NIOHTTP1

/// One HTTP request as the Azure client builds it. The URL is kept as a string so that
/// operation URLs Azure hands out are sent back byte for byte.
public struct TransportRequest: Sendable {
    /// HTTP method.
    public var method: HTTPMethod
    /// Absolute URL.
    public var url: String
    /// Request headers.
    public var headers: HTTPHeaders
    /// Body, if any.
    public var body: ByteBuffer?

    /// Creates a request.
    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A complete HTTP response with its body collected.
public struct TransportResponse: Sendable {
    /// Status code.
    public var status: HTTPResponseStatus
    /// Response headers.
    public var headers: HTTPHeaders
    /// Collected body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends HTTP requests. The production implementation wraps AsyncHTTPClient; tests script responses.
///
/// Implementations throw ``TransportError`` for failures below HTTP (connect, reset, timeout).
public protocol HTTPTransport: Sendable {
    /// Sends a request and collects the response.
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse
}

/// A failure below HTTP: no response was received.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// Whether the request certainly never reached the server (the connection was never made),
    /// which makes even a non-idempotent request safe to retry.
    public var requestNotSent: Bool
    /// What went wrong, without URLs or headers.
    public var reason: String

    /// Creates a transport error.
    public init(requestNotSent: Bool, reason: String) {
        self.requestNotSent = requestNotSent
        self.reason = reason
    }

    public var description: String { reason }
}
