import Foundation

extension SettingsDecoder {
    func azure(_ located: LocatedNode?) -> AzureSettings {
        let map = reader.section(
            located,
            at: "azure",
            allowedKeys: ["resourceManager", "authorityHost", "apiVersion", "caBundle"]
        )
        return AzureSettings(
            resourceManager: map.value("resourceManager").flatMap(endpoint) ?? AzureSettings.defaultResourceManager,
            authorityHost: map.value("authorityHost").flatMap(endpoint) ?? AzureSettings.defaultAuthorityHost,
            apiVersion: map.value("apiVersion").flatMap(apiVersion) ?? AzureSettings.defaultAPIVersion,
            caBundlePath: map.nonNullValue("caBundle").flatMap(reader.string)
        )
    }

    /// An absolute http(s) base URL with a host and no credentials, query or fragment; plain http only to loopback.
    /// Messages name the scheme or host, never the whole value, which could carry a password.
    private func endpoint(_ located: LocatedNode) -> URL? {
        guard let text = reader.string(located) else { return nil }
        func invalid(_ message: String) -> URL? {
            reader.report(.invalidValue, located.keyPath, at: located.mark, message)
            return nil
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return invalid("must be an absolute URL such as https://management.azure.com")
        }
        guard components.user == nil, components.password == nil else {
            return invalid("must not contain a user name or password")
        }
        guard scheme == "https" || scheme == "http" else {
            return invalid("uses the scheme '\(scheme)'; use https (or http to a loopback address)")
        }
        guard let host = components.host, !host.isEmpty else {
            return invalid("has no host; write it like https://management.azure.com")
        }
        guard components.query == nil, components.fragment == nil else {
            return invalid("must not have a query ('?…') or fragment ('#…')")
        }
        guard scheme == "https" || Self.isLoopback(host: host) else {
            return invalid(
                "uses plain http to '\(host)'; use https (http is allowed only to 127.0.0.0/8, ::1 and localhost, "
                    + "such as a local emulator)"
            )
        }
        guard let url = components.url else {
            return invalid("is not a valid URL")
        }
        return url
    }

    static func isLoopback(host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.compactMap { octet in
            octet.allSatisfy { $0.isASCII && $0.isNumber } ? UInt8(octet) : nil
        }
        return values.count == 4 && values[0] == 127
    }

    /// `YYYY-MM-DD`, optionally followed by `-preview`, with a real month and day.
    private func apiVersion(_ located: LocatedNode) -> String? {
        guard let text = reader.string(located) else { return nil }
        let date = text.hasSuffix("-preview") ? text.dropLast("-preview".count) : Substring(text)
        let fields = date.split(separator: "-", omittingEmptySubsequences: false)
        let lengths = fields.map(\.count)
        let numbers = fields.compactMap { field in field.allSatisfy { $0.isASCII && $0.isNumber } ? Int(field) : nil }
        guard lengths == [4, 2, 2], numbers.count == 3,
              (1...12).contains(numbers[1]), (1...31).contains(numbers[2]) else {
            reader.report(
                .invalidValue, located.keyPath, at: located.mark,
                "'\(text)' is not an API version; use the YYYY-MM-DD form, optionally with -preview, such as 2022-08-01"
            )
            return nil
        }
        return text
    }
}
