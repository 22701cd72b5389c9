import CLibWebSockets
import Logging

#if canImport(Glibc)
import Glibc
import Threads
#elseif canImport(Darwin)
import Darwin
#endif

public struct WebSocketClientConfiguration: Sendable {
    /// `ws://host[:port]/path` or `wss://...`; the path already includes the identity.
    public var url: String
    /// Offered in `Sec-WebSocket-Protocol`; a reply that does not echo it is a failed connection.
    public var subprotocol: String
    /// Seconds between our PINGs; 0 = we send none (server pings are still answered).
    /// Clamped to 0...65535.
    /// With pings on, the link is dropped when nothing (pong or data) arrives for 2 × interval + 5 s.
    public var pingInterval: Int
    public var backoff: Backoff
    /// Reassembly cap for one incoming message; bigger → close 1009 and reconnect.
    public var maximumMessageSize: Int
    /// TCP connect + TLS + websocket upgrade must complete within this many seconds.
    public var connectTimeoutSeconds: Int
    /// Credentials and trust; `WebSocketClient.update(security:)` changes them for the next connection.
    public var security: WebSocketSecurity

    public init(
        url: String,
        subprotocol: String = "ocpp1.6",
        pingInterval: Int = 0,
        backoff: Backoff = Backoff(),
        maximumMessageSize: Int = 1 << 20,
        connectTimeoutSeconds: Int = 10,
        security: WebSocketSecurity = .none
    ) {
        self.url = url
        self.subprotocol = subprotocol
        self.pingInterval = pingInterval
        self.backoff = backoff
        self.maximumMessageSize = maximumMessageSize
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.security = security
    }
}

public enum WebSocketEvent: Sendable, Equatable {
    /// Attempt `attempt` (1-based, counted since the last successful connect) has begun.
    case connecting(connection: UInt64, attempt: Int)
    /// Handshake done and the subprotocol was confirmed; `send(_:on:)` now accepts this id.
    case connected(connection: UInt64)
    case received(connection: UInt64, text: String)
    /// The attempt failed for a security reason; its `disconnected` follows.
    case securityFailure(connection: UInt64, LinkSecurityFailure, detail: String)
    /// Exactly once per `connecting`. `reconnectIn` is nil only when we were asked to stop.
    case disconnected(connection: UInt64, reason: String, reconnectIn: Duration?)
}

/// A websocket client with automatic reconnect, driven by one libwebsockets service thread.
///
/// Threading: all lws calls happen on the service thread, except `lws_cancel_service`,
/// which other threads call (under `lock`) to wake it. `onEvent` is invoked on the
/// service thread, one event at a time and in order; it must not block. It may call
/// `send`, `setPingInterval`, `update(security:)`, `reconnect` and `stop` (from there `stop()` does not wait).
///
/// Lifetime: the service thread keeps the client alive until `stop()` completes; a client
/// that is started and never stopped lives (and reconnects) for the rest of the process.
///
/// Invalid configuration (bad URL, empty subprotocol, ...) makes `init` throw a
/// `WebSocketClientError`; `validate(configuration:)` runs the same checks without a client.
public final class WebSocketClient: @unchecked Sendable {
    // Sendable: `shared` is touched only under `lock`; every property in the "service thread"
    // section below is touched only on the lws service thread (or before it is spawned /
    // after it has finished); the rest is immutable.

    public let configuration: WebSocketClientConfiguration
    public let endpoint: WebSocketEndpoint
    let logger: Logger
    let onEvent: @Sendable (WebSocketEvent) -> Void

    // MARK: State shared between threads (guarded by `lock`)

    private struct Shared {
        var started = false
        var thread: pthread_t?
        /// Kept after `thread` is taken by the joining `stop()`, to recognise the service thread.
        var serviceThreadID: pthread_t?
        var serviceFinished = false
        var stopRequested = false
        var reconnectRequested = false
        var pingInterval: Int
        var pingIntervalChanged = false
        /// A back-off for the waits after failures to come, until the service thread takes it.
        var backoff: Backoff?
        var security: WebSocketSecurity
        /// `security` differs from what the lws context was built with: rebuild it before the next attempt.
        var securityChanged = false
        /// The lws context while it exists; `lws_cancel_service` is only called on it under `lock`.
        var context: OpaquePointer?
        /// The connection `send` accepts messages for (nil while not connected).
        var openConnection: UInt64?
        var posted = PostedMessages()

    }

    /// Guards `shared`; also waited on for the service thread to finish or a retry to be due.
    private let lock = Condition()
    private var shared: Shared

    // MARK: Service thread state

    /// One connection attempt, from `connecting` to its single `disconnected`.
    private final class Attempt {
        let link: LWSConnection
        var established = false
        var finished = false
        var securityFailure: LinkPolicy<SystemRandomNumberGenerator>.SecurityFailure?

        init(link: LWSConnection) { self.link = link }

        var id: UInt64 { link.id }
    }

    private var context: OpaquePointer?
    private var current: Attempt?
    /// Decides connects, back-off, keepalive, reconnects and stops; this class carries its actions out.
    private var policy: LinkPolicy<SystemRandomNumberGenerator>
    private var exitLoop = false
    /// Leave the service loop to rebuild the context with new security settings.
    private var rebuildContext = false
    /// The security the current context was built with.
    private var activeSecurity: WebSocketSecurity
    private var secure: Bool { endpoint.secure || activeSecurity.requireTLS }
    /// The policy's timers, created once `self` exists.
    private var timers: [LinkPolicy<SystemRandomNumberGenerator>.Timer: LWSTimer] = [:]
    private var writer = LWSWriter()
    /// Reused for every hand-over of `shared.posted`, so a send costs no allocation here.
    private var drained: [(connection: UInt64, text: String)] = []

    // C memory that must outlive the context; freed in deinit (after the thread is done).
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>
    private let retryTable: UnsafeMutablePointer<UInt32>
    private let wsiSlot: UnsafeMutablePointer<OpaquePointer?>
    private let cHost: UnsafeMutablePointer<CChar>
    private let cHostHeader: UnsafeMutablePointer<CChar>
    private let cPath: UnsafeMutablePointer<CChar>
    private let cSubprotocol: UnsafeMutablePointer<CChar>

    /// Length of one "second" of the ping interval. Tests shrink it before `start()`
    /// (the thread start orders the write before every read on the service thread).
    var keepaliveSecondMicros: UInt64 {
        get { UInt64(policy.configuration.keepaliveSecond / .microseconds(1)) }
        set { policy.setKeepaliveSecond(.microseconds(Int64(newValue))) }
    }
    static let fdLimitPerThread: UInt32 = 16

    // MARK: Public API

    public init(
        configuration: WebSocketClientConfiguration,
        logger: Logger,
        onEvent: @escaping @Sendable (WebSocketEvent) -> Void
    ) throws(WebSocketClientError) {
        self.endpoint = try WebSocketClient.validate(configuration: configuration)
        self.configuration = configuration
        self.logger = logger
        self.onEvent = onEvent
        let pingInterval = WebSocketClient.clampPingInterval(configuration.pingInterval)
        self.shared = Shared(pingInterval: pingInterval, security: configuration.security)
        self.policy = LinkPolicy(
            configuration: .init(backoff: configuration.backoff, connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                                 pingInterval: pingInterval),
            random: SystemRandomNumberGenerator())
        self.activeSecurity = configuration.security

        cHost = strdup(endpoint.host)
        cHostHeader = strdup(endpoint.hostHeader)
        cPath = strdup(endpoint.path)
        cSubprotocol = strdup(configuration.subprotocol)

        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocols[0].name = UnsafePointer(cSubprotocol)
        protocols[0].callback = lwsClientProtocolCallback
        protocols[0].per_session_data_size = 0
        protocols[0].rx_buffer_size = 0

        // lws's own validity (ping/hangup) machinery is switched off (0/0): keepalive is ours,
        // so the interval can change live and 0 really disables it. The retry table is
        // unused by us (Backoff decides) but lws wants a valid policy.
        retryTable = .allocate(capacity: 1)
        retryTable.initialize(to: 1000)
        retryPolicy = .allocate(capacity: 1)
        retryPolicy.initialize(to: lws_retry_bo_t(
            retry_ms_table: UnsafePointer(retryTable), retry_ms_table_count: 1, conceal_count: 0,
            secs_since_valid_ping: 0, secs_since_valid_hangup: 0, jitter_percent: 0))

        wsiSlot = .allocate(capacity: 1)
        wsiSlot.initialize(to: nil)
        // Unowned: the client outlives its context, and the timers are cancelled before it is destroyed.
        timers = [
            .reconnect: LWSTimer { [unowned self] in reconnectTimerFired() },
            .connectDeadline: LWSTimer { [unowned self] in handle(.connectDeadlinePassed) },
            .keepalive: LWSTimer { [unowned self] in handle(.keepaliveDue) },
            .stopDeadline: LWSTimer { [unowned self] in handle(.stopDeadlinePassed) },
        ]
    }

    deinit {
        free(cHost)
        free(cHostHeader)
        free(cPath)
        free(cSubprotocol)
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        retryPolicy.deinitialize(count: 1)
        retryPolicy.deallocate()
        retryTable.deinitialize(count: 1)
        retryTable.deallocate()
        wsiSlot.deinitialize(count: 1)
        wsiSlot.deallocate()
    }

    /// Ping intervals are clamped to 0...65535 s (negative = off) rather than rejected, since
    /// they come from a live-changeable OCPP configuration key.
    static func clampPingInterval(_ seconds: Int) -> Int { min(max(0, seconds), 65535) }

    /// Checks a configuration the way `init` does; returns the parsed endpoint.
    @discardableResult
    public static func validate(
        configuration: WebSocketClientConfiguration
    ) throws(WebSocketClientError) -> WebSocketEndpoint {
        let endpoint = try WebSocketEndpoint(parsing: configuration.url)
        guard isSubprotocolToken(configuration.subprotocol) else {
            throw .invalidConfiguration("subprotocol '\(configuration.subprotocol)' is not a valid token")
        }
        guard configuration.maximumMessageSize > 0 else {
            throw .invalidConfiguration("maximumMessageSize must be positive")
        }
        guard configuration.connectTimeoutSeconds >= 1, configuration.connectTimeoutSeconds <= 3600 else {
            throw .invalidConfiguration("connectTimeoutSeconds must be 1...3600")
        }
        return endpoint
    }

    /// Spawns the service thread, which creates the lws context and connects.
    /// Calling it again, or after `stop()`, does nothing.
    public func start() {
        let started: Bool = lock.withLock {
            guard !shared.started, !shared.stopRequested else { return false }
            shared.started = true
            // Spawned under the lock so a concurrent stop() always sees the thread.
            shared.thread = spawnThread(name: "ws-client") { [self] in serviceThreadMain() }
            shared.serviceThreadID = shared.thread
            if shared.thread == nil { shared.serviceFinished = true }
            return shared.thread != nil
        }
        if !started {
            logger.warning("websocket client: start() ignored (already started, stopped, or no thread)")
        }
    }

    /// Queues `text` for `connection`. Dropped silently unless `connection` is the open one.
    /// On the service thread (from `onEvent`) the frame is queued on the connection directly; other
    /// threads post it and wake the service thread.
    public func send(_ text: String, on connection: UInt64) {
        let onServiceThread: Bool? = lock.withLock {
            guard shared.openConnection == connection, let context = shared.context else { return nil }
            if let id = shared.serviceThreadID, pthread_equal(id, pthread_self()) != 0 { return true }
            if shared.posted.post(text, to: connection) { lws_cancel_service(context) }
            return false
        }
        guard let onServiceThread else {
            logger.debug("websocket: dropped message for connection \(connection) (not the open connection)")
            return
        }
        if onServiceThread {
            deliverPosted()     // what other threads sent earlier goes first
            if let attempt = current, attempt.id == connection, attempt.established { attempt.link.enqueue(text) }
        }
    }

    /// Changes the ping interval for the open connection and later ones; 0 disables pings.
    public func setPingInterval(seconds: Int) {
        let value = WebSocketClient.clampPingInterval(seconds)
        lock.withLock {
            shared.pingInterval = value
            shared.pingIntervalChanged = true
            if let context = shared.context { lws_cancel_service(context) }
        }
    }

    /// The waits after the failures to come follow `backoff` (OCPP 2.0.1's RetryBackOff* variables).
    public func update(backoff: Backoff) {
        lock.withLock {
            shared.backoff = backoff
            if let context = shared.context { lws_cancel_service(context) }
        }
    }

    /// New credentials or trust for the connections to come; the current one is kept (call `reconnect()`
    /// to switch at once). The lws context is rebuilt before the next attempt.
    public func update(security: WebSocketSecurity) {
        lock.withLock {
            guard security != shared.security else { return }
            shared.security = security
            shared.securityChanged = true
        }
    }

    /// Closes the current connection (close code 1000) and connects again at once.
    public func reconnect() {
        lock.withLock {
            guard !shared.stopRequested else { return }
            shared.reconnectRequested = true
            if let context = shared.context { lws_cancel_service(context) }
        }
    }

    /// Closes with 1000, waits up to 2 s for the close handshake, destroys the context on
    /// the service thread and joins it. Idempotent; concurrent callers all wait for the end.
    /// Called from `onEvent` (the service thread) it only initiates the shutdown.
    public func stop() {
        let thread: pthread_t? = lock.withLock {
            shared.stopRequested = true
            if let context = shared.context { lws_cancel_service(context) }
            let thread = shared.thread
            shared.thread = nil
            return thread
        }
        lock.broadcast()   // wakes a context-creation retry wait
        if let thread {
            if pthread_equal(thread, pthread_self()) != 0 {
                pthread_detach(thread)
                return
            }
            pthread_join(thread, nil)
            return
        }
        // Another caller is joining (or nothing was started): wait for the service to end.
        lock.withLock {
            while shared.started && !shared.serviceFinished {
                if let id = shared.serviceThreadID, pthread_equal(id, pthread_self()) != 0 { return }
                _ = lock.wait(for: .milliseconds(100))
            }
        }
    }

    // MARK: - Service thread

    private func serviceThreadMain() {
        LWSLogRouter.shared.install(logger)

        while let ctx = createContextRetrying() {
            context = ctx
            rebuildContext = false
            let stopNow: Bool = lock.withLock {
                shared.context = ctx
                return shared.stopRequested
            }
            handle(stopNow ? .stopRequested : .contextReady)
            while !exitLoop && !rebuildContext {
                if lws_service(ctx, 0) < 0 {
                    logger.error("websocket: lws_service failed; shutting the client down")
                    break
                }
            }
            let rebuilding = rebuildContext && !exitLoop && !policy.stopping
            // Stopping for good: what the context destruction still reports must not reconnect.
            if !rebuilding && !policy.stopping { handle(.stopRequested) }
            for timer in timers.values { timer.cancel() }
            lock.withLock { shared.context = nil }
            lws_context_destroy(ctx)     // may still deliver WSI_DESTROY → finishAttempt
            context = nil
            if let attempt = current {
                attempt.link.note("client stopped")
                finishAttempt(attempt)
            }
            if !rebuilding { break }
        }

        lock.withLock {
            shared.serviceFinished = true
            shared.openConnection = nil
            _ = shared.posted.removeAll()
        }
        lock.broadcast()
        logger.debug("websocket: service thread finished")
    }

    /// A context with the latest security settings, retried with backoff; nil once a stop is requested.
    private func createContextRetrying() -> OpaquePointer? {
        while true {
            let stop: Bool = lock.withLock {
                activeSecurity = shared.security
                shared.securityChanged = false
                return shared.stopRequested
            }
            if stop { return nil }
            if let created = createContext() { return created }
            waitAfterContextFailure()
        }
    }

    private func createContext() -> OpaquePointer? {
        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN
        info.protocols = UnsafePointer(protocols)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.gid = -1
        info.uid = -1
        // TLS global init only for wss: it costs a few MB of RSS. Our own trust anchors replace the
        // system's; they and the client certificate are loaded in LOAD_EXTRA_CLIENT_VERIFY_CERTS.
        info.options = secure ? UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT) : 0
        if secure, activeSecurity.trustedCertificatesPEM != nil {
            info.options |= UInt64(LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS)
        }
        info.fd_limit_per_thread = WebSocketClient.fdLimitPerThread
        // Our connect deadline (connectTimeoutSeconds) fires first; lws's stage timeouts are a backstop.
        info.connect_timeout_secs = UInt32(configuration.connectTimeoutSeconds)
        info.timeout_secs = UInt32(configuration.connectTimeoutSeconds + 1)
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        let ctx = lws_create_context(&info)
        if ctx == nil {
            logger.error("websocket: lws_create_context failed")
        }
        return ctx
    }

    /// No context means no lws timers: the policy reports a failed attempt, and the reconnect deadline is
    /// waited for on the condition variable (a stop ends the wait).
    private func waitAfterContextFailure() {
        var deadline = monotonicUptime()
        for action in policy.handle(.contextFailed, now: deadline) {
            switch action {
            case .emit(let event): emit(event)
            case .arm(.reconnect, let at): deadline = at
            default: break
            }
        }
        lock.withLock {
            while !shared.stopRequested && monotonicUptime() < deadline {
                _ = lock.wait(untilUptime: deadline)
            }
        }
    }

    private func emit(_ event: WebSocketEvent) {
        switch event {
        case let .received(connection, text):
            logger.trace("websocket \(connection): received \(text.utf8.count) bytes")   // payloads may hold secrets
        case let .connected(connection):
            lock.withLock { shared.openConnection = connection }
            logger.info("websocket \(connection) connected to \(endpoint)\(secure && !endpoint.secure ? " over TLS" : "")")
        case let .disconnected(connection, reason, reconnectIn):
            if let reconnectIn {
                logger.info("websocket \(connection) disconnected: \(reason); reconnecting in \(reconnectIn)")
            } else {
                logger.info("websocket \(connection) disconnected: \(reason)")
            }
        default:
            logger.trace("websocket event: \(event)")
        }
        onEvent(event)
    }

    static func micros(_ duration: Duration) -> UInt64 {
        let nanos = Backoff.nanoseconds(duration)
        return nanos <= 0 ? 0 : UInt64(nanos / 1000)
    }

    // MARK: Link policy

    /// Hands `input` to the policy and carries out its actions; returns them for the caller to inspect.
    @discardableResult
    private func handle(_ input: LinkPolicy<SystemRandomNumberGenerator>.Input) -> [LinkPolicy<SystemRandomNumberGenerator>.Action] {
        let now = monotonicUptime()
        let actions = policy.handle(input, now: now)
        for action in actions { perform(action, now: now) }
        return actions
    }

    private func perform(_ action: LinkPolicy<SystemRandomNumberGenerator>.Action, now: Duration) {
        switch action {
        case .emit(let event):
            emit(event)
        case .connect(let id):
            connect(id)
        case let .arm(timer, at):
            guard let context else { return }
            timers[timer]?.schedule(on: context, afterMicros: WebSocketClient.micros(at - now))
        case .cancel(let timer):
            timers[timer]?.cancel()
        case let .close(id, kind, reason):
            guard let attempt = current, attempt.id == id else { return }
            attempt.link.note(reason)
            switch kind {
            case .normal: attempt.link.close(LWS_CLOSE_STATUS_NORMAL, "bye", afterQueued: true, backstop: true)
            case .abort: attempt.link.kill()
            }
        case .refuseHandshake:
            break      // the ESTABLISHED callback answers -1
        case .sendPing(let id):
            guard let attempt = current, attempt.id == id else { return }
            attempt.link.sendPing()
        case .rebuildContext:
            rebuildContext = true      // the loop rebuilds the context, then reconnects at once
            if let context { lws_cancel_service(context) }
        case .exit:
            requestLoopExit()
        }
    }

    private func reconnectTimerFired() {
        if lock.withLock({ shared.securityChanged }) { handle(.securityChanged) }
        handle(.reconnectDue)
    }

    // MARK: Attempts

    private func connect(_ id: UInt64) {
        guard let context else { return }
        let attempt = Attempt(link: LWSConnection(id: id, wsi: nil, maximumMessageSize: configuration.maximumMessageSize))
        current = attempt
        _ = TLSAlertRecorder.shared.take()     // what an earlier connection left says nothing of this one

        var info = lws_client_connect_info()
        info.context = context
        info.address = UnsafePointer(cHost)
        info.port = Int32(endpoint.port)
        info.path = UnsafePointer(cPath)
        info.host = UnsafePointer(cHostHeader)
        info.protocol = UnsafePointer(cSubprotocol)
        info.local_protocol_name = UnsafePointer(cSubprotocol)
        info.ietf_version_or_minus_one = -1
        info.ssl_connection = secure ? Int32(LCCSCF_USE_SSL.rawValue) : 0
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        info.opaque_user_data = UnsafeMutableRawPointer(bitPattern: UInt(attempt.id))
        info.pwsi = wsiSlot
        wsiSlot.pointee = nil

        let wsi = lws_client_connect_via_info(&info)
        if attempt.finished { return }     // failed synchronously and already reported
        if let wsi {
            if attempt.link.wsi == nil { attempt.link.wsi = wsi }
        } else {
            attempt.link.note("could not start the connection to \(endpoint.hostHeader) (DNS or socket failure)")
            finishAttempt(attempt)
        }
    }

    /// The attempt `wsi` belongs to, if it is the current one.
    private func attempt(for wsi: OpaquePointer) -> Attempt? {
        guard let attempt = current, !attempt.finished else { return nil }
        let tag = UInt64(UInt(bitPattern: lws_get_opaque_user_data(wsi)))
        guard tag == attempt.id || wsi == attempt.link.wsi else { return nil }
        if attempt.link.wsi == nil { attempt.link.wsi = wsi }
        return attempt
    }

    private func finishAttempt(_ attempt: Attempt) {
        guard !attempt.finished else { return }
        attempt.finished = true
        attempt.link.wsi = nil
        if current === attempt { current = nil }
        wsiSlot.pointee = nil

        let (stopRequested, posted): (Bool, Int) = lock.withLock {
            if shared.openConnection == attempt.id { shared.openConnection = nil }
            return (shared.stopRequested, shared.posted.removeAll())
        }
        let dropped = posted + attempt.link.dropQueued()
        if dropped > 0 {
            logger.debug("websocket: dropped \(dropped) queued message(s) of connection \(attempt.id)")
        }
        // A stop asked for from `onEvent` during the disconnected event is handled by the next
        // EVENT_WAIT_CANCELLED, which cancels the reconnect timer armed here.
        handle(.ended(connection: attempt.id, reason: attempt.link.reason, securityFailure: attempt.securityFailure,
                      stopRequested: stopRequested))
    }

    /// Leave the service loop. Called from inside lws callbacks: lws_service would otherwise
    /// go back into poll() until the next timer or socket event before returning.
    private func requestLoopExit() {
        exitLoop = true
        if let context { lws_cancel_service(context) }
    }

    private func processCommands() {
        struct Commands {
            var stop: Bool
            var reconnect: Bool
            var pingInterval: Int?
            var backoff: Backoff?
        }
        // Frames first: a close asked for after them (reconnect, stop) waits until they are written.
        deliverPosted()
        let commands: Commands = lock.withLock {
            let c = Commands(
                stop: shared.stopRequested,
                reconnect: shared.reconnectRequested,
                pingInterval: shared.pingIntervalChanged ? shared.pingInterval : nil,
                backoff: shared.backoff)
            shared.reconnectRequested = false
            shared.pingIntervalChanged = false
            shared.backoff = nil
            return c
        }
        if let backoff = commands.backoff { policy.setBackoff(backoff) }
        if commands.stop {
            handle(.stopRequested)
            return
        }
        if policy.stopping { return }
        if let interval = commands.pingInterval {
            logger.debug("websocket: ping interval now \(interval) s")
            handle(.pingIntervalChanged(seconds: interval))
        }
        if commands.reconnect { handle(.reconnectRequested) }
    }

    /// Hands what other threads sent to the open connection (frames for an older one are stale).
    private func deliverPosted() {
        lock.withLock { shared.posted.take(into: &drained) }
        if let attempt = current, attempt.established {
            for item in drained where item.connection == attempt.id { attempt.link.enqueue(item.text) }
        }
        drained.removeAll(keepingCapacity: drained.count <= 1024)
    }

    // MARK: lws protocol callback

    func handleCallback(
        wsi: OpaquePointer, reason: lws_callback_reasons,
        user: UnsafeMutableRawPointer?, input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            processCommands()
            return 0

        case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
            // `user` is the client SSL_CTX of the context being built.
            return loadTLSMaterial(into: OpaquePointer(user))

        case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
            guard let header = activeSecurity.authorizationHeader, let input else { return 0 }
            let cursor = input.assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
            guard let start = cursor.pointee else { return -1 }
            let added = header.withCString { value in
                value.withMemoryRebound(to: UInt8.self, capacity: header.utf8.count) { bytes in
                    lws_add_http_header_by_token(
                        wsi, WSI_TOKEN_HTTP_AUTHORIZATION, bytes, Int32(header.utf8.count), cursor, start + length)
                }
            }
            return added == 0 ? 0 : -1

        case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
            // lws accepts a reply without Sec-WebSocket-Protocol; the headers are only readable here.
            guard let attempt = attempt(for: wsi) else { return -1 }
            let agreed = lwsHeader(wsi, WSI_TOKEN_PROTOCOL)
            guard agreed == configuration.subprotocol else {
                attempt.link.note(agreed.isEmpty
                    ? "server did not agree to subprotocol '\(configuration.subprotocol)' (no Sec-WebSocket-Protocol in its reply)"
                    : "server selected subprotocol '\(agreed)', expected '\(configuration.subprotocol)'")
                return -1
            }
            return 0

        case LWS_CALLBACK_CLIENT_ESTABLISHED:
            guard let attempt = attempt(for: wsi) else { return -1 }
            let now = monotonicUptime()
            let actions = policy.handle(.connected(connection: attempt.id), now: now)
            if actions.contains(.refuseHandshake(connection: attempt.id)) { return -1 }
            attempt.link.wsi = wsi
            attempt.established = true
            for action in actions { perform(action, now: now) }
            return 0

        case LWS_CALLBACK_CLIENT_RECEIVE:
            guard let attempt = attempt(for: wsi), attempt.established else { return 0 }
            handle(.traffic)
            // Never non-zero from here: see `LWSConnection` (a failed message closes from WRITEABLE).
            if let text = attempt.link.receive(input, length: length, logger: logger) {
                emit(.received(connection: attempt.id, text: text))
            }
            return 0

        case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
            if attempt(for: wsi) != nil { handle(.traffic) }
            return 0

        case LWS_CALLBACK_CLIENT_WRITEABLE:
            guard let attempt = attempt(for: wsi), attempt.established else { return 0 }
            return attempt.link.writeable(with: &writer)

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            attempt(for: wsi)?.link.peerClosed(input, length: length, peer: "server")
            return 0

        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
            if let attempt = attempt(for: wsi) {
                var message = "connection error"
                if let input {
                    let text = length > 0
                        ? String(decoding: UnsafeRawBufferPointer(start: input, count: length), as: UTF8.self)
                        : String(cString: input.assumingMemoryBound(to: CChar.self))
                    if !text.isEmpty { message = text }
                }
                var tlsError: String?
                if message.contains("SSL") || message.contains("read failed") || message.contains("tls"),
                    let detail = LWSLogRouter.shared.recentError(withinMicros: 1_000_000)
                {
                    tlsError = detail
                    message += " (\(detail))"
                }
                let status = lws_http_client_http_response(wsi)
                if status > 0 && status != 101 { message += " (HTTP \(status))" }
                let alerts = TLSAlertRecorder.shared.take()
                if let sent = alerts.sent { message += " (we sent TLS alert \(sent))" }
                if let received = alerts.received { message += " (the server sent TLS alert \(received))" }
                if let failure = LinkSecurityFailure.classify(
                    httpStatus: Int(status), sentCredentials: activeSecurity.basicAuth != nil, alertSent: alerts.sent,
                    alertReceived: alerts.received, tlsError: tlsError ?? message)
                {
                    attempt.securityFailure = .init(failure: failure, detail: message)
                }
                attempt.link.note("connect to \(endpoint.hostHeader) failed: \(message)")
            }
            return 0

        case LWS_CALLBACK_CLIENT_CLOSED:
            attempt(for: wsi)?.link.note("connection closed")
            return 0

        case LWS_CALLBACK_WSI_DESTROY:
            // The one callback lws delivers exactly once per client wsi (also on handshake timeouts).
            if let attempt = attempt(for: wsi) { finishAttempt(attempt) }
            return 0

        default:
            return lws_callback_http_dummy(wsi, reason, user, input, length)
        }
    }

    /// Trust anchors (a bundle) and the client certificate for the SSL_CTX lws is building; a failure
    /// fails the context, which is retried with backoff.
    private func loadTLSMaterial(into sslContext: OpaquePointer?) -> Int32 {
        guard let sslContext else { return 0 }
        let security = activeSecurity
        SSL_CTX_set_info_callback(sslContext, tlsInfoCallback)
        var error = [CChar](repeating: 0, count: 256)
        let result = withOptionalCString(security.trustedCertificatesPEM) { trusted in
            withOptionalCString(security.clientKeyPEM == nil ? nil : security.clientCertificateChainPEM) { chain in
                withOptionalCString(security.clientKeyPEM) { key in
                    cp_tls_configure_client(sslContext, trusted, chain, key, &error, error.count)
                }
            }
        }
        if result != 0 {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            logger.error("websocket: TLS settings refused: \(reason)")
            return -1
        }
        return 0
    }
}

private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
