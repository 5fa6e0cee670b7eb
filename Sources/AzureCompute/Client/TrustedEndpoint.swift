import Foundation

/// The one origin (scheme, host, port) a bearer token may be sent to.
///
/// Operation URLs come from response headers; one on any other origin is refused instead of followed.
struct TrustedEndpoint: Sendable {
    let scheme: String
    let host: String
    let port: Int

    init(_ url: URL) throws(AzureError) {
        try Self.requireSecureScheme(url, role: "resource manager")
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let origin = Self.origin(of: components)
        else {
            throw AzureError(code: .untrustedHost, message: "the resource manager URL has no host")
        }
        (scheme, host, port) = origin
    }

    /// Whether `url` is on this origin. The URL is parsed only to compare its origin; it is sent verbatim.
    func permits(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let origin = Self.origin(of: components) else { return false }
        return origin.scheme == scheme && origin.host == host && origin.port == port
    }

    /// Refuses plain http except to a loopback host (the emulator).
    static func requireSecureScheme(_ url: URL, role: String) throws(AzureError) {
        let scheme = url.scheme?.lowercased()
        if scheme == "https" { return }
        if scheme == "http", let host = url.host, isLoopback(host) { return }
        throw AzureError(
            code: .untrustedHost,
            message: "the \(role) URL must use https (plain http is allowed only to a loopback host)"
        )
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func origin(of components: URLComponents) -> (scheme: String, host: String, port: Int)? {
        guard let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased(), !host.isEmpty else {
            return nil
        }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return (scheme, host, port)
    }
}
