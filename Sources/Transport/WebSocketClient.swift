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

    private struct Outgoing {
        let connection: UInt64
        let text: String
    }

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
        var security: WebSocketSecurity
        /// `security` differs from what the lws context was built with: rebuild it before the next attempt.
        var securityChanged = false
        /// The lws context while it exists; `lws_cancel_service` is only called on it under `lock`.
        var context: OpaquePointer?
        /// The connection `send` accepts messages for (nil while not connected).
        var openConnection: UInt64?
        var outbox: [Outgoing] = []
        var outboxHead = 0

        var hasOutbox: Bool { outboxHead < outbox.count }

        mutating func popOutbox() -> Outgoing? {
            guard outboxHead < outbox.count else { return nil }
            let item = outbox[outboxHead]
            outboxHead += 1
            if outboxHead == outbox.count {
                outbox.removeAll(keepingCapacity: outbox.count <= 64)
                outboxHead = 0
            } else if outboxHead >= 64, outboxHead * 2 >= outbox.count {
                outbox.removeFirst(outboxHead)
                outboxHead = 0
            }
            return item
        }

        mutating func clearOutbox() -> Int {
            let dropped = outbox.count - outboxHead
            outbox.removeAll()
            outboxHead = 0
            return dropped
        }
    }

    /// Guards `shared`; also waited on for the service thread to finish or a retry to be due.
    private let lock = Condition()
    private var shared: Shared

    // MARK: Service thread state

    /// One connection attempt, from `connecting` to its single `disconnected`.
    private final class Attempt {
        let id: UInt64
        var wsi: OpaquePointer?
        var established = false
        var finished = false
        /// First recorded cause wins; reported in `disconnected`.
        var reason: String?
        /// We asked for the close (stop/reconnect); WRITEABLE sends the close frame.
        var closing = false
        var pingPending = false
        var rx: [UInt8] = []
        var rxBinary = false
        var rxInProgress = false
        /// We fail the connection (RFC 6455 §7.1.7) with this close code: WRITEABLE sends the close at once,
        /// and incoming data is discarded until then.
        var failing: (status: lws_close_status, text: String)?
        var securityFailure: LinkPolicy<SystemRandomNumberGenerator>.SecurityFailure?

        init(id: UInt64) { self.id = id }

        func note(_ text: String) {
            if reason == nil { reason = text }
        }
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

    // C memory that must outlive the context; freed in deinit (after the thread is done).
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>
    private let retryTable: UnsafeMutablePointer<UInt32>
    private let wsiSlot: UnsafeMutablePointer<OpaquePointer?>
    private let reconnectSul: UnsafeMutablePointer<cp_sul_t>
    private let keepaliveSul: UnsafeMutablePointer<cp_sul_t>
    private let connectDeadlineSul: UnsafeMutablePointer<cp_sul_t>
    private let stopDeadlineSul: UnsafeMutablePointer<cp_sul_t>
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
        reconnectSul = .allocate(capacity: 1)
        keepaliveSul = .allocate(capacity: 1)
        connectDeadlineSul = .allocate(capacity: 1)
        stopDeadlineSul = .allocate(capacity: 1)
        for sul in [reconnectSul, keepaliveSul, connectDeadlineSul, stopDeadlineSul] {
            sul.initialize(to: cp_sul_t())
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        for sul in [reconnectSul, keepaliveSul, connectDeadlineSul, stopDeadlineSul] {
            sul.pointee.owner = me
        }
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
        for sul in [reconnectSul, keepaliveSul, connectDeadlineSul, stopDeadlineSul] {
            sul.deinitialize(count: 1)
            sul.deallocate()
        }
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
        let tokenOK = configuration.subprotocol.utf8.allSatisfy { c in
            c > 0x20 && c < 0x7F && !"()<>@,;:\\\"/[]?={}".utf8.contains(c)
        }
        guard !configuration.subprotocol.isEmpty, tokenOK else {
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
    public func send(_ text: String, on connection: UInt64) {
        let queued: Bool = lock.withLock {
            guard shared.openConnection == connection, let context = shared.context else { return false }
            shared.outbox.append(Outgoing(connection: connection, text: text))
            lws_cancel_service(context)
            return true
        }
        if !queued {
            logger.debug("websocket: dropped message for connection \(connection) (not the open connection)")
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
            for sul in [reconnectSul, keepaliveSul, connectDeadlineSul, stopDeadlineSul] {
                cancel(sul)
            }
            lock.withLock { shared.context = nil }
            lws_context_destroy(ctx)     // may still deliver WSI_DESTROY → finishAttempt
            context = nil
            if let attempt = current {
                attempt.note("client stopped")
                finishAttempt(attempt)
            }
            if !rebuilding { break }
        }

        lock.withLock {
            shared.serviceFinished = true
            shared.openConnection = nil
            _ = shared.clearOutbox()
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
            if case .connected = event, let attempt = current, attempt.established, !attempt.closing,
               let wsi = attempt.wsi, lock.withLock({ shared.hasOutbox }) {
                lws_callback_on_writable(wsi)
            }
        case .connect(let id):
            connect(id)
        case let .arm(timer, at):
            let (sul, callback) = timerSlot(timer)
            schedule(sul, callback, afterMicros: WebSocketClient.micros(at - now))
        case .cancel(let timer):
            cancel(timerSlot(timer).sul)
        case let .close(id, kind, reason):
            guard let attempt = current, attempt.id == id else { return }
            attempt.note(reason)
            switch kind {
            case .normal: closeNormally(attempt)
            case .abort: kill(attempt)
            }
        case .refuseHandshake:
            break      // the ESTABLISHED callback answers -1
        case .sendPing(let id):
            guard let attempt = current, attempt.id == id, let wsi = attempt.wsi else { return }
            attempt.pingPending = true
            lws_callback_on_writable(wsi)
        case .rebuildContext:
            rebuildContext = true      // the loop rebuilds the context, then reconnects at once
            if let context { lws_cancel_service(context) }
        case .exit:
            requestLoopExit()
        }
    }

    private func timerSlot(_ timer: LinkPolicy<SystemRandomNumberGenerator>.Timer)
        -> (sul: UnsafeMutablePointer<cp_sul_t>, callback: LWSSulCallback) {
        switch timer {
        case .reconnect: return (reconnectSul, lwsReconnectTimerCallback)
        case .connectDeadline: return (connectDeadlineSul, lwsConnectDeadlineCallback)
        case .keepalive: return (keepaliveSul, lwsKeepaliveTimerCallback)
        case .stopDeadline: return (stopDeadlineSul, lwsStopDeadlineCallback)
        }
    }

    private func schedule(_ sul: UnsafeMutablePointer<cp_sul_t>, _ callback: LWSSulCallback, afterMicros micros: UInt64) {
        guard let context else { return }
        lws_sul_schedule(context, 0, WebSocketClient.listEntry(sul), callback, lws_usec_t(min(micros, UInt64(Int64.max))))
    }

    private func cancel(_ sul: UnsafeMutablePointer<cp_sul_t>) {
        lws_sul_cancel(WebSocketClient.listEntry(sul))
    }

    /// The `lws_sorted_usec_list_t` at the start of a (heap, never moving) `cp_sul_t`;
    /// lws keeps this pointer in its timer list and `cp_sul_owner` casts it back.
    private static func listEntry(_ sul: UnsafeMutablePointer<cp_sul_t>) -> UnsafeMutablePointer<lws_sorted_usec_list_t> {
        UnsafeMutableRawPointer(sul).assumingMemoryBound(to: lws_sorted_usec_list_t.self)
    }

    func reconnectTimerFired() {
        if lock.withLock({ shared.securityChanged }) { handle(.securityChanged) }
        handle(.reconnectDue)
    }

    func keepaliveTimerFired() { handle(.keepaliveDue) }
    func connectDeadlineFired() { handle(.connectDeadlinePassed) }
    func stopDeadlineFired() { handle(.stopDeadlinePassed) }

    // MARK: Attempts

    private func connect(_ id: UInt64) {
        guard let context else { return }
        let attempt = Attempt(id: id)
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
            if attempt.wsi == nil { attempt.wsi = wsi }
        } else {
            attempt.note("could not start the connection to \(endpoint.hostHeader) (DNS or socket failure)")
            finishAttempt(attempt)
        }
    }

    /// The attempt `wsi` belongs to, if it is the current one.
    private func attempt(for wsi: OpaquePointer) -> Attempt? {
        guard let attempt = current, !attempt.finished else { return nil }
        let tag = UInt64(UInt(bitPattern: lws_get_opaque_user_data(wsi)))
        guard tag == attempt.id || wsi == attempt.wsi else { return nil }
        if attempt.wsi == nil { attempt.wsi = wsi }
        return attempt
    }

    private func finishAttempt(_ attempt: Attempt) {
        guard !attempt.finished else { return }
        attempt.finished = true
        attempt.wsi = nil
        if current === attempt { current = nil }
        wsiSlot.pointee = nil

        let (stopRequested, dropped): (Bool, Int) = lock.withLock {
            if shared.openConnection == attempt.id { shared.openConnection = nil }
            return (shared.stopRequested, shared.clearOutbox())
        }
        if dropped > 0 {
            logger.debug("websocket: dropped \(dropped) queued message(s) of connection \(attempt.id)")
        }
        // A stop asked for from `onEvent` during the disconnected event is handled by the next
        // EVENT_WAIT_CANCELLED, which cancels the reconnect timer armed here.
        handle(.ended(connection: attempt.id, reason: attempt.reason, securityFailure: attempt.securityFailure,
                      stopRequested: stopRequested))
    }

    /// Ask lws to close `attempt` at the next opportunity without a close handshake.
    private func kill(_ attempt: Attempt) {
        guard let wsi = attempt.wsi else { return }
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
    }

    /// Normal close (1000) from the next WRITEABLE; forced after 2 s if that never comes.
    private func closeNormally(_ attempt: Attempt) {
        guard let wsi = attempt.wsi else { return }
        attempt.closing = true
        lws_callback_on_writable(wsi)
        lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, 2)
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
            var hasOutbox: Bool
        }
        let commands: Commands = lock.withLock {
            let c = Commands(
                stop: shared.stopRequested,
                reconnect: shared.reconnectRequested,
                pingInterval: shared.pingIntervalChanged ? shared.pingInterval : nil,
                hasOutbox: shared.hasOutbox)
            shared.reconnectRequested = false
            shared.pingIntervalChanged = false
            return c
        }
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
        if commands.hasOutbox, let attempt = current, attempt.established, !attempt.closing, let wsi = attempt.wsi {
            lws_callback_on_writable(wsi)
        }
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
            let agreed = headerValue(wsi, WSI_TOKEN_PROTOCOL)
            guard agreed == configuration.subprotocol else {
                attempt.note(agreed.isEmpty
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
            attempt.wsi = wsi
            attempt.established = true
            for action in actions { perform(action, now: now) }
            return 0

        case LWS_CALLBACK_CLIENT_RECEIVE:
            guard let attempt = attempt(for: wsi), attempt.established else { return 0 }
            handle(.traffic)
            return receive(attempt, wsi: wsi, input: input, length: length)

        case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
            if attempt(for: wsi) != nil { handle(.traffic) }
            return 0

        case LWS_CALLBACK_CLIENT_WRITEABLE:
            guard let attempt = attempt(for: wsi), attempt.established else { return 0 }
            return writeable(attempt, wsi: wsi)

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            if let attempt = attempt(for: wsi) {
                var text = "server closed the connection"
                if let input, length >= 2 {
                    let bytes = UnsafeRawBufferPointer(start: input, count: length)
                    let code = Int(bytes[0]) << 8 | Int(bytes[1])
                    text += " with code \(code)"
                    let message = String(decoding: bytes.dropFirst(2), as: UTF8.self)
                    if !message.isEmpty { text += " (\(message))" }
                }
                attempt.note(text)
            }
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
                attempt.note("connect to \(endpoint.hostHeader) failed: \(message)")
            }
            return 0

        case LWS_CALLBACK_CLIENT_CLOSED:
            if let attempt = attempt(for: wsi) { attempt.note("connection closed") }
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

    private func headerValue(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0 else { return "" }
        var buffer = [CChar](repeating: 0, count: length + 1)
        let copied = lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token)
        guard copied >= 0 else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Reassembles one message. Never returns non-zero: lws 4.1.6 keeps its receive buffer's fill index when
    /// RECEIVE asks to close, and parsing the rest of a large frame then writes past that buffer (a heap
    /// overflow seen as a crash on a 1.1 MB frame). A connection we fail is closed from WRITEABLE instead.
    private func receive(_ attempt: Attempt, wsi: OpaquePointer, input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        guard attempt.failing == nil else { return 0 }
        if !attempt.rxInProgress {
            attempt.rxInProgress = true
            attempt.rxBinary = lws_frame_is_binary(wsi) != 0
        }
        if let input, length > 0 {
            if attempt.rx.count + length > configuration.maximumMessageSize {
                fail(attempt, wsi: wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big",
                     because: "incoming message larger than \(configuration.maximumMessageSize) bytes")
                return 0
            }
            attempt.rx.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
        }
        guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }

        let bytes = attempt.rx
        let binary = attempt.rxBinary
        attempt.rx.removeAll(keepingCapacity: bytes.count <= 65536)
        attempt.rxInProgress = false
        if binary {
            logger.warning("websocket \(attempt.id): ignoring binary message of \(bytes.count) bytes")
            return 0
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            fail(attempt, wsi: wsi, LWS_CLOSE_STATUS_INVALID_PAYLOAD, "invalid UTF-8",
                 because: "incoming text message of \(bytes.count) bytes is not valid UTF-8")
            return 0
        }
        emit(.received(connection: attempt.id, text: text))
        return 0
    }

    /// Fails the connection: nothing more is read from it, and WRITEABLE sends the close frame with `status`.
    private func fail(_ attempt: Attempt, wsi: OpaquePointer, _ status: lws_close_status, _ text: String,
                      because reason: String) {
        attempt.note(reason)
        attempt.failing = (status, text)
        attempt.rx = []
        attempt.rxInProgress = false
        lws_callback_on_writable(wsi)
        lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, 2)
    }

    /// Writes one frame. A close we asked for waits until the frames queued for this connection are out,
    /// so that a last answer (e.g. Reset.conf before a reboot) is not lost to our own close.
    private func writeable(_ attempt: Attempt, wsi: OpaquePointer) -> Int32 {
        if let failing = attempt.failing {
            var text = Array(failing.text.utf8)
            lws_close_reason(wsi, failing.status, &text, text.count)
            return -1
        }
        let pre = cp_lws_pre()
        if attempt.pingPending && !attempt.closing {
            attempt.pingPending = false
            var frame = [UInt8](repeating: 0, count: pre)
            let written = frame.withUnsafeMutableBufferPointer { buffer in
                lws_write(wsi, buffer.baseAddress! + pre, 0, LWS_WRITE_PING)
            }
            if written < 0 {
                attempt.note("writing a ping failed")
                return -1
            }
            if lock.withLock({ shared.hasOutbox }) { lws_callback_on_writable(wsi) }
            return 0
        }

        let (next, more): (Outgoing?, Bool) = lock.withLock {
            while let item = shared.popOutbox() {
                if item.connection == attempt.id { return (item, shared.hasOutbox) }
            }
            return (nil, false)
        }
        guard let next else {
            guard attempt.closing else { return 0 }
            var text = Array("bye".utf8)
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, &text, text.count)
            return -1
        }
        var frame = [UInt8](repeating: 0, count: pre)
        frame.append(contentsOf: next.text.utf8)
        let count = frame.count - pre
        let written = frame.withUnsafeMutableBufferPointer { buffer in
            lws_write(wsi, buffer.baseAddress! + pre, count, LWS_WRITE_TEXT)
        }
        if Int(written) < count {
            attempt.note("write failed (\(written) of \(count) bytes)")
            return -1
        }
        if more || attempt.pingPending || attempt.closing { lws_callback_on_writable(wsi) }
        return 0
    }
}

private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
