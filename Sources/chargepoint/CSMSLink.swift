import Logging
import Threads
import Transport

/// A station's websocket to its CSMS, which can be replaced: by one to another URL when a 2.0.1 network
/// profile changes (the old client is stopped, so it leaves the old CSMS first [B10.FR.06]), or by none while
/// a fleet's operator has cut the link (`cut`, `restore`: an outage the station lives through as it would a
/// real one). A new client starts with the ping interval, back-off and credentials in force. Events of a
/// replaced client are dropped, so the engine only hears of the link it has.
///
/// `@unchecked Sendable`: `client`, `generation`, `url`, `pingInterval`, `backoff`, `security` and `cutByOperator` are
/// guarded by `lock`.
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
    private var security: WebSocketSecurity
    /// Cut by the operator: no client until `restore`.
    private var cutByOperator = false

    init(
        _ configuration: WebSocketClientConfiguration, logger: Logger, make: @escaping Make,
        onEvent: @escaping @Sendable (WebSocketEvent) -> Void
    ) throws {
        template = configuration
        url = configuration.url
        pingInterval = configuration.pingInterval
        backoff = configuration.backoff
        security = configuration.security
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
        configuration.security = security
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

    /// New credentials or trust for the connections to come (`WebSocketClient.update(security:)`).
    func update(security: WebSocketSecurity) {
        lock.withLock { self.security = security }
        current?.update(security: security)
    }

    /// Drops the link as an outage would, and keeps it down until `restore`. The engine hears the link go
    /// down. Returns false when it was already cut. Not to be called under the runtime's lock (see `reconnect`).
    @discardableResult
    func cut() -> Bool {
        let old: WebSocketClient? = lock.withLock {
            guard !cutByOperator else { return nil }
            cutByOperator = true
            return client
        }
        guard let old else { return false }
        old.stop()     // its `disconnected` still reaches the engine: the generation moves on only below
        lock.withLock {
            generation += 1
            client = nil
        }
        return true
    }

    /// Whether the operator has cut the link.
    var isCut: Bool { lock.withLock { cutByOperator } }

    /// Connects again after `cut`. Returns false when the link was not cut.
    @discardableResult
    func restore() -> Bool {
        let (generation, url): (Int?, String) = lock.withLock {
            guard cutByOperator else { return (nil, self.url) }
            cutByOperator = false
            return (self.generation, self.url)
        }
        guard let generation else { return false }
        do {
            let replacement = try makeClient(generation: generation, url: url)
            lock.withLock { if self.generation == generation { client = replacement } }
            replacement.start()
        } catch {
            logger.error("cannot connect to \(url): \(error)")
        }
        return true
    }

    /// Connects again, to `url` when it differs from the present one. Not to be called under the runtime's
    /// lock: stopping a client waits for its service thread, which may be waiting for that lock.
    func reconnect(to url: String) {
        let (old, generation): (WebSocketClient?, Int?) = lock.withLock {
            if cutByOperator {
                self.url = url     // `restore` connects there
                return (nil, nil)
            }
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
