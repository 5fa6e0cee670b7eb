import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Serves `/metrics`, `/healthz` and `/readyz` over HTTP on ``MetricsSettings/address``.
///
/// A `Service`: it listens when the service group runs it and stops accepting connections on graceful shutdown.
///
/// - `GET /metrics`: the registry in the Prometheus text exposition format 0.0.4.
/// - `GET /healthz`: 200 `ok` whenever the process can answer.
/// - `GET /readyz`: 200 `ready` when the ``ReadinessProvider`` says so, else 503 with its reason.
public struct MetricsServer: Service {
    /// The `Content-Type` of `/metrics`.
    public static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"

    private let address: ListenAddress
    private let registry: PrometheusCollectorRegistry
    private let readiness: ReadinessProvider
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// Creates the server; nothing listens until ``run()``.
    ///
    /// - Parameters:
    ///   - address: Where to listen; port 0 picks a free port.
    ///   - registry: What `/metrics` serves.
    ///   - readiness: Asked on every `/readyz` request.
    ///   - logger: For the listening notice and server errors.
    ///   - onListening: Called once with the bound port when the server listens. Connections are accepted only
    ///     after it returns, so it must not wait for requests.
    public init(
        address: ListenAddress,
        registry: PrometheusCollectorRegistry,
        readiness: @escaping ReadinessProvider,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.address = address
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let address = address
        let logger = logger
        let onListening = onListening
        if !address.isLoopback {
            logger.notice(
                "Metrics, health and readiness are served beyond this machine; restrict access with a firewall",
                metadata: ["metrics.address": "\(address)"]
            )
        }
        let application = Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info(
                    "Serving /metrics, /healthz and /readyz",
                    metadata: ["metrics.host": "\(address.host)", "metrics.port": "\(port)"]
                )
                await onListening(port)
            },
            logger: logger
        )
        do {
            try await application.run()
        } catch let error as CancellationError {
            throw error
        } catch {
            throw MetricsServerError(
                code: .serverFailed,
                address: address,
                message: "The metrics server on \(address) failed: \(error). If the address is in use or not on this "
                    + "machine, change metrics.address, or set metrics.enabled to false."
            )
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let registry = registry
        let readiness = readiness
        let router = Router()
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: Self.expositionContentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        router.get("healthz") { _, _ in
            Self.text(.ok, "ok")
        }
        router.get("readyz") { _, _ in
            let state = await readiness()
            return Self.text(state.isReady ? .ok : .serviceUnavailable, state.reason)
        }
        return router
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n"))
        )
    }
}
