import Foundation

/// Where the client secret lives. The configuration names the place; the secret itself never enters the settings.
public enum SecretSource: Sendable, Equatable {
    /// An environment variable of this name (`credential.secretEnv`).
    case environment(String)
    /// A file at this path (`credential.secretFile`), such as a systemd `LoadCredential=` file.
    case file(String)

    /// Reads the secret.
    ///
    /// The environment is passed in rather than read from the process, so callers decide what it is.
    /// A file is read whole and synchronously (call this once, at startup); trailing line breaks, which editors and
    /// `echo` add, are removed.
    ///
    /// - Parameter environment: The environment variables to look in, for ``environment(_:)``.
    /// - Returns: The secret, never empty.
    /// - Throws: ``SecretError`` naming the variable or file and what to do; never the secret.
    public func resolve(environment: [String: String]) throws(SecretError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name] else {
                throw SecretError(code: .environmentVariableMissing, source: self)
            }
            let secret = value.trimmingTrailingLineBreaks()
            guard !secret.isEmpty else {
                throw SecretError(code: .environmentVariableEmpty, source: self)
            }
            return secret
        case .file(let path):
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                let reason = FileErrorReason.describe(error, path: path)
                throw SecretError(code: .fileUnreadable, source: self, detail: reason)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw SecretError(code: .fileNotUTF8, source: self)
            }
            let secret = text.trimmingTrailingLineBreaks()
            guard !secret.isEmpty else {
                throw SecretError(code: .fileEmpty, source: self)
            }
            return secret
        }
    }
}

/// The client secret could not be obtained. Names the variable or file, never the secret.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The environment variable is not set.
        public static let environmentVariableMissing = Code("environmentVariableMissing")
        /// The environment variable is set but empty.
        public static let environmentVariableEmpty = Code("environmentVariableEmpty")
        /// The file does not exist or cannot be read.
        public static let fileUnreadable = Code("fileUnreadable")
        /// The file is empty (or holds only line breaks).
        public static let fileEmpty = Code("fileEmpty")
        /// The file is not UTF-8 text.
        public static let fileNotUTF8 = Code("fileNotUTF8")

        /// A stable name for the code.
        public let description: String

        private init(_ description: String) {
            self.description = description
        }
    }

    /// What went wrong.
    public let code: Code
    /// The variable or file that was consulted.
    public let source: SecretSource
    /// The operating system's reason, for unreadable files.
    public let detail: String?

    /// Creates an error.
    public init(code: Code, source: SecretSource, detail: String? = nil) {
        self.code = code
        self.source = source
        self.detail = detail
    }

    /// What failed, for which variable or file, and what to do.
    public var description: String {
        switch source {
        case .environment(let name):
            if code == .environmentVariableEmpty {
                return "the client secret environment variable \(name) (credential.secretEnv) is empty; "
                    + "set it to the app registration's client secret"
            }
            return "the client secret environment variable \(name) (credential.secretEnv) is not set; "
                + "export it before starting patchscan, or use credential.secretFile instead"
        case .file(let path):
            switch code {
            case .fileEmpty:
                return "the client secret file \(path) (credential.secretFile) is empty; "
                    + "write the app registration's client secret into it"
            case .fileNotUTF8:
                return "the client secret file \(path) (credential.secretFile) is not UTF-8 text; "
                    + "it must hold only the client secret"
            default:
                let reason = detail ?? "unknown error"
                return "cannot read the client secret file \(path) (credential.secretFile): \(reason); "
                    + "check the path and that patchscan's user may read it"
            }
        }
    }
}

extension String {
    fileprivate func trimmingTrailingLineBreaks() -> String {
        var result = Substring(self)
        while let last = result.last, last.isNewline {
            result = result.dropLast()
        }
        return String(result)
    }
}
