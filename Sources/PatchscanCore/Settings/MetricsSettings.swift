/// Whether and where patchscan serves `/metrics`, `/healthz` and `/readyz` (`metrics`).
public struct MetricsSettings: Sendable, Equatable {
    /// Default for ``address``: loopback only, on the port registered for Prometheus exporters of this kind.
    public static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 9464)

    /// Whether the metrics server runs at all (`metrics.enabled`).
    public var enabled: Bool
    /// Where the metrics server listens (`metrics.address`).
    public var address: ListenAddress

    /// Creates metrics settings; the defaults serve on 127.0.0.1:9464.
    public init(enabled: Bool = true, address: ListenAddress = MetricsSettings.defaultAddress) {
        self.enabled = enabled
        self.address = address
    }
}

/// A host and TCP port to listen on, written `host:port` in the configuration (`[v6-address]:port` for IPv6).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host name or IP address, IPv6 without brackets.
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Whether only this machine can connect (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        SettingsDecoder.isLoopback(host: host)
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
