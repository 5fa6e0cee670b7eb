/// The metrics server stopped with an error: where it listened, what failed and what the operator can do.
public struct MetricsServerError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Extensible: compare with `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// Stable name.
        public let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The HTTP server could not listen, or failed while serving.
        public static let serverFailed = Code("server_failed")
    }

    /// The kind of failure.
    public var code: Code
    /// The configured address.
    public var address: ListenAddress
    /// What failed and what to do.
    public var message: String

    /// Creates an error.
    public init(code: Code, address: ListenAddress, message: String) {
        self.code = code
        self.address = address
        self.message = message
    }

    public var description: String { message }
}
