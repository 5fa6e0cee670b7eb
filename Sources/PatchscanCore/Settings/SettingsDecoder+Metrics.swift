extension SettingsDecoder {
    func metrics(_ located: LocatedNode?) -> MetricsSettings {
        let map = reader.section(located, at: "metrics", allowedKeys: ["enabled", "address"])
        return MetricsSettings(
            enabled: map.value("enabled").flatMap(reader.boolean) ?? true,
            address: map.value("address").flatMap(listenAddress) ?? MetricsSettings.defaultAddress
        )
    }

    /// `host:port` or `[v6-address]:port`, port 0–65535.
    private func listenAddress(_ located: LocatedNode) -> ListenAddress? {
        guard let text = reader.string(located) else { return nil }
        func invalid(_ message: String) -> ListenAddress? {
            reader.report(.invalidValue, located.keyPath, at: located.mark, message)
            return nil
        }
        let form = "write it as host:port, such as 127.0.0.1:9464 or [::1]:9464"
        guard !text.contains("/"), !text.contains(where: \.isWhitespace) else {
            return invalid("'\(text)' is not an address; \(form) (no scheme, path or spaces)")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return invalid("'\(text)' is not an address; \(form)")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                return invalid(
                    parts.count < 2
                        ? "'\(text)' has no port; \(form)"
                        : "'\(text)' is not an address; put an IPv6 address in brackets, such as [::1]:9464"
                )
            }
            host = parts[0]
            portText = parts[1]
        }
        guard !host.isEmpty else {
            return invalid("'\(text)' has no host; \(form), or 0.0.0.0:9464 for every interface")
        }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (0...65_535).contains(port) else {
            return invalid("'\(portText)' is not a port; use a number from 0 to 65535 (0 picks a free port)")
        }
        return ListenAddress(host: String(host), port: port)
    }
}
