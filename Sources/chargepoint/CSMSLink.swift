import Logging
import Threads
import Transport

/// The 2.0.1 station's websocket to its CSMS, which a change of network profile replaces with one to another
/// URL: the old client is stopped (it leaves the old CSMS first [B10.FR.06]) and a new one started with the
/// ping interval and back-off in force. Events of a replaced client are dropped, so the engine only hears of
/// the link it has.
///
/// `@unchecked Sendable`: `client`, `generation`, `url`, `pingInterval` and `backoff` are guarded by `lock`.
final class CSMSLink: @unchecked Sendable {
    typealias Make = @Sendable (WebSocketClientConfiguration, @escaping @Sendable (WebSocketEvent) -> Void) throws -> WebSocketClient

    private let lock = Lock()
    private let template: WebSocketClientConfiguration
    private let make: Make
    private let onEvent: @Sendable (WebSocketEvent) -> Void
    private let logger: Logger
    private var client: WebSocketClient?
    private var generation = 0
    private var url: String
    private var pingInterval: Int
    private var backoff: Backoff

    init(
        _ configuration: WebSocketClientConfiguration, logger: Logger, make: @escaping Make,
        onEvent: @escaping @Sendable (WebSocketEvent) -> Void
    ) throws {
        template = configuration
        url = configuration.url
        pingInterval = configuration.pingInterval
        backoff = configuration.backoff
        self.make = make
        self.onEvent = onEvent
        self.logger = logger
        client = try makeClient(generation: 0, url: url)
    }

    private func makeClient(generation: Int, url: String) throws -> WebSocketClient {
        var configuration = template
        configuration.url = url
        configuration.pingInterval = pingInterval
        configuration.backoff = backoff
        return try make(configuration) { [weak self] event in
            guard let self, lock.withLock({ self.generation == generation }) else { return }
            onEvent(event)
        }
    }

    private var current: WebSocketClient? { lock.withLock { client } }

    func start() { current?.start() }
    func send(_ text: String, on connection: UInt64) { current?.send(text, on: connection) }

    func setPingInterval(seconds: Int) {
        lock.withLock { pingInterval = seconds }
        current?.setPingInterval(seconds: seconds)
    }

    func update(backoff: Backoff) {
        lock.withLock { self.backoff = backoff }
        current?.update(backoff: backoff)
    }

    /// Connects again, to `url` when it differs from the present one. Not to be called under the runtime's
    /// lock: stopping a client waits for its service thread, which may be waiting for that lock.
    func reconnect(to url: String) {
        let (old, generation): (WebSocketClient?, Int?) = lock.withLock {
            guard url != self.url else { return (client, nil) }
            self.url = url
            self.generation += 1
            defer { client = nil }
            return (client, self.generation)
        }
        guard let generation else {
            old?.reconnect()
            return
        }
        old?.stop()
        do {
            let replacement = try makeClient(generation: generation, url: url)
            lock.withLock { if self.generation == generation { client = replacement } }
            replacement.start()
            logger.notice("now connecting to \(url)")
        } catch {
            logger.error("cannot connect to \(url): \(error)")
        }
    }

    func stop() {
        let old = lock.withLock {
            generation += 1
            defer { client = nil }
            return client
        }
        old?.stop()
    }
}
