/// An error from running the emulator itself (not an emulated Azure error, which goes over the wire).
public struct EmulatorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let rawValue: String

        private init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        /// The server stopped before it reported a listening port.
        public static let serverStoppedBeforeListening = Code("serverStoppedBeforeListening")

        /// The code's name.
        public var description: String {
            self.rawValue
        }
    }

    /// What went wrong.
    public var code: Code
    /// What failed and what to do about it.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String {
        "AzureEmulator \(self.code): \(self.message)"
    }
}
