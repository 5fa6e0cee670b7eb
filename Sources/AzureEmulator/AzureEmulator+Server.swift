import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

extension AzureEmulator {
    /// The largest request body the emulator reads (token forms and empty POSTs are tiny).
    static let maximumBodySize = 1 << 20

    /// Serves the emulator over HTTP until the calling task is cancelled, or, inside a `ServiceGroup`, until a
    /// graceful shutdown (which lets requests in progress finish).
    ///
    /// - Parameters:
    ///   - host: The address to bind, e.g. `127.0.0.1`.
    ///   - port: The port to bind; 0 picks a free one.
    ///   - onListening: Called once with the bound port when the server listens. The server accepts
    ///     connections only after it returns, so it must not wait for requests.
    public nonisolated func run(
        host: String,
        port: Int,
        onListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBodySize)
            let reply = try await self.handle(IncomingRequest(request, body: body))
            if reply.delay > .zero {
                try await Task.sleep(for: reply.delay)
            }
            return reply.hummingbirdResponse
        }
        let logger = self.logger
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "AzureEmulator"),
            onServerRunning: { channel in
                let boundPort = channel.localAddress?.port ?? port
                logger.info("Azure emulator listening", metadata: ["emulator.host": "\(host)", "emulator.port": "\(boundPort)"])
                await onListening(boundPort)
            },
            logger: logger
        )
        try await application.run()
    }
}

/// A running emulator, as handed to the body of ``withAzureEmulator(configuration:logger:_:)``.
public struct RunningEmulator: Sendable {
    /// `http://127.0.0.1:PORT`: the ARM base URL and the authority host.
    public let baseURL: String
    /// The emulator, for inspecting the journal and changing behaviours.
    public let emulator: AzureEmulator
    /// The bound port.
    public let port: Int

    /// Creates the handle for an emulator listening on `port` of 127.0.0.1.
    public init(emulator: AzureEmulator, port: Int) {
        self.baseURL = "http://127.0.0.1:\(port)"
        self.emulator = emulator
        self.port = port
    }

    /// The client-credentials token endpoint of the configured tenant.
    public var tokenEndpoint: String {
        "\(self.baseURL)/\(self.emulator.configuration.tenantID)/oauth2/v2.0/token"
    }
}

/// Starts an emulator on 127.0.0.1 with a free port, runs `body` with it, then shuts the server down.
///
/// The server runs as a child task of a task group, so nothing outlives the call: when `body` returns, the server
/// shuts down gracefully (requests in progress finish) and is awaited; when `body` throws, it is cancelled.
public func withAzureEmulator<T: Sendable>(
    configuration: EmulatorConfiguration,
    logger: Logger,
    _ body: (RunningEmulator) async throws -> T
) async throws -> T {
    let emulator = AzureEmulator(configuration: configuration, logger: logger)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let server = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: [EmulatorService(emulator: emulator, onListening: { portContinuation.yield($0) })],
            logger: logger
        )
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await server.run()
        }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next() else {
            // The server ended before listening: surface its error if it threw one.
            try await group.waitForAll()
            throw EmulatorError(
                code: .serverStoppedBeforeListening,
                message: "The emulator server stopped before it listened on 127.0.0.1; check the log for the bind error."
            )
        }
        let value: T
        do {
            value = try await body(RunningEmulator(emulator: emulator, port: port))
        } catch {
            group.cancelAll()
            throw error
        }
        await server.triggerGracefulShutdown()
        try await group.waitForAll()
        return value
    }
}

/// The emulator's HTTP server on a free loopback port, as a service.
private struct EmulatorService: Service {
    let emulator: AzureEmulator
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        try await emulator.run(host: "127.0.0.1", port: 0, onListening: onListening)
    }
}
