import CMicroHTTPD
import CMicroHTTPDProblems
import Glibc
import Threads
import Logging
import Synchronization

/// A small HTTP/1.1 server on libmicrohttpd. It knows nothing of routing: every complete request
/// goes to `handler`, on an MHD thread, which must not block and answers through the responder
/// (now or later, from any thread).
///
/// Keep a reference and call `stop()` from a thread that is not an MHD thread (not from a handler).
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let core: HTTPServerCore
    private let stopLock = Lock()   // serializes start() and stop()

    public init(configuration: HTTPServerConfiguration, logger: Logger,
                handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void) {
        self.configuration = configuration
        core = HTTPServerCore(configuration: configuration, logger: logger, handler: handler)
    }

    deinit {
        stop()
    }

    /// Binds and starts serving. Errors name the address and MHD's reason ("Address already in use").
    public func start() throws(HTTPServerError) {
        try stopLock.withLock { () throws(HTTPServerError) in try core.start() }
    }

    /// The port actually bound (useful with port 0); 0 before `start()`.
    public var boundPort: UInt16 {
        core.lock.withLock { core.boundPort }
    }

    /// Stops the server: stops accepting, answers every waiting request with 503 (resuming it), ends
    /// every stream, waits up to `shutdownGraceMilliseconds` for those to flush, then stops the
    /// daemon (closing whatever is left). Idempotent; concurrent callers wait for the first.
    public func stop() {
        stopLock.withLock { core.stop() }
    }

    /// Requests currently waiting for an answer or streaming (for tests and diagnostics).
    var liveCount: Int { core.liveCount }

    /// Per-request states not yet freed (for leak tests).
    var requestStatesAlive: Int { core.requestStatesAlive.load(ordering: .relaxed) }
}

/// Everything MHD's callbacks need, passed to them as an unretained pointer. `HTTPServer` owns it and
/// stops the daemon before releasing it.
final class HTTPServerCore: @unchecked Sendable {  // mutable fields guarded by `lock`; `daemon` is only used by start/stop
    enum Phase { case idle, running, stopping, stopped }

    let configuration: HTTPServerConfiguration
    let logger: Logger
    let handler: @Sendable (HTTPRequest, HTTPResponder) -> Void
    let maximumBodySize: Int
    /// `HTTPServerConfiguration.requestHeaders`, lowercased; nil for all.
    let requestHeaders: [[UInt8]]?
    /// Bytes of an over-limit chunked body we read and discard (to still answer 413) before we give
    /// up and drop the connection.
    let discardLimit: Int

    /// Leak check for tests: per-request states not yet freed.
    let requestStatesAlive = Atomic<Int>(0)
    /// The certificate and key as C strings for MHD_OPTION_HTTPS_MEM_CERT/KEY, alive as long as the daemon.
    private let tlsStrings: [UnsafeMutablePointer<CChar>?]
    /// TLS 1.2 and 1.3 with GnuTLS's default ciphers; older protocol versions are refused.
    private static let tlsPriorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

    /// Guards the server's state; waited on for the last live connection to finish when stopping.
    let lock = Condition()
    // guarded by `lock`
    private var phase: Phase = .idle
    private var daemon: OpaquePointer?
    private var live: [ObjectIdentifier: RequestState] = [:]
    private var startupMessages: [String]?
    var boundPort: UInt16 = 0

    /// Guards `admission`, `sockets` and `admissionTimerRunning`; its timer thread waits on it for the next
    /// request deadline. Separate from `lock`, which `stop()` holds while waiting for live requests.
    private let admissionLock = Condition()
    private var admission: ConnectionAdmission<UInt>
    /// The socket of each open connection, by connection: what a connection to be closed is shut down by.
    /// An entry leaves in NOTIFY_CLOSED, under `admissionLock`, before MHD closes the descriptor, so a
    /// shutdown never reaches a descriptor that was closed and reused.
    private var sockets: [UInt: Int32] = [:]
    private var admissionTimerRunning = false
    private var admissionTimerIdle = false
    private var admissionTimer: pthread_t?

    init(configuration: HTTPServerConfiguration, logger: Logger,
         handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        maximumBodySize = max(0, configuration.maximumBodySize)
        requestHeaders = configuration.requestHeaders.map { $0.map { Array(asciiLowercased($0).utf8) } }
        // Discarding is cheap and bounded in time by the request timeout; the client learns why (413).
        discardLimit = max(16 << 20, maximumBodySize.multipliedReportingOverflow(by: 16).partialValue)
        tlsStrings = configuration.tls.map { [strdup($0.certificatePEM), strdup($0.keyPEM)] } ?? []
        admission = ConnectionAdmission(limits: .init(
            requestTimeout: .seconds(configuration.requestTimeoutSeconds),
            connectionLimit: configuration.connectionLimit,
            perAddressLimit: configuration.connectionLimitPerAddress))
    }

    deinit {
        // The key stays in memory no longer than needed: overwritten before it is freed.
        for string in tlsStrings {
            if let string {
                memset(string, 0, strlen(string))
                free(string)
            }
        }
    }

    // MARK: problems

    static func bodyTooLargeProblem(limit: Int) -> HTTPResponse {
        HTTPResponse.problem(status: 413, type: "urn:chargepoint:problem:body-too-large", title: "Payload Too Large",
                             detail: "The request body is larger than \(limit) bytes; send at most \(limit) bytes.")
    }

    static let stoppingProblem = HTTPResponse.problem(
        status: 503, type: "urn:chargepoint:problem:server-stopping", title: "Service Unavailable",
        detail: "The server is shutting down.", headers: [(name: "Connection", value: "close")])

    static let noResponseProblem = HTTPResponse.problem(
        status: 500, type: "urn:chargepoint:problem:no-response", title: "Internal Server Error",
        detail: "The request was not answered.")

    // MARK: start / stop

    func start() throws(HTTPServerError) {
        let config = configuration
        guard config.maximumBodySize >= 0, config.connectionLimit > 0, config.connectionLimitPerAddress > 0,
              config.requestTimeoutSeconds > 0, config.connectionTimeoutSeconds >= 0,
              config.connectionMemoryLimit >= 4096, config.threadPoolSize >= 1 else {
            throw HTTPServerError(.invalidConfiguration,
                                  "invalid HTTP server configuration: maximumBodySize >= 0, connectionLimit >= 1, connectionLimitPerAddress >= 1, requestTimeoutSeconds >= 1, connectionTimeoutSeconds >= 0, connectionMemoryLimit >= 4096 and threadPoolSize >= 1 are required")
        }
        if config.tls != nil {
            guard cp_mhd_supports_tls() != 0 else {
                throw HTTPServerError(.invalidConfiguration, "this libmicrohttpd was built without TLS support; HTTPS is not available")
            }
            guard tlsStrings.allSatisfy({ $0 != nil }) else {
                throw HTTPServerError(.invalidConfiguration, "out of memory for the TLS certificate and key")
            }
        }
        let shownAddress = config.host.contains(":") ? "[\(config.host)]:\(config.port)" : "\(config.host):\(config.port)"
        var address = try ListenAddress.resolve(host: config.host, port: config.port)

        try lock.withLock { () throws(HTTPServerError) in
            switch phase {
            case .idle: break
            case .running, .stopping:
                throw HTTPServerError(.invalidState, "the HTTP server is already running")
            case .stopped:
                throw HTTPServerError(.invalidState, "the HTTP server was stopped; create a new one to serve again")
            }
            // Running before the daemon exists so a request arriving during start may suspend.
            phase = .running
            startupMessages = []
        }

        var flags = MHD_USE_AUTO_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
            | MHD_USE_ERROR_LOG.rawValue
        if address.isIPv6 {
            flags |= address.isIPv6Any ? MHD_USE_DUAL_STACK.rawValue : MHD_USE_IPv6.rawValue
        }
        if config.tls != nil {
            flags |= MHD_USE_TLS.rawValue
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        let started: OpaquePointer? = withUnsafeMutableBytes(of: &address.storage) { addressBytes in
            var options: [MHD_OptionItem] = [
                // EXTERNAL_LOGGER must come first, or MHD logs early messages to stderr itself.
                MHD_OptionItem(option: .EXTERNAL_LOGGER,
                               value: Int(bitPattern: unsafeBitCast(mhdLogCallback, to: UnsafeRawPointer.self)),
                               ptr_value: me),
                MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: addressBytes.baseAddress),
                // MHD's own limit is only a backstop: ConnectionAdmission keeps `connectionLimit`, and a
                // newcomer must be accepted to take the place of a slow connection.
                MHD_OptionItem(option: .CONNECTION_LIMIT, value: 2 * config.connectionLimit, ptr_value: nil),
                MHD_OptionItem(option: .NOTIFY_CONNECTION,
                               value: Int(bitPattern: unsafeBitCast(mhdConnectionNotified, to: UnsafeRawPointer.self)),
                               ptr_value: me),
                MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: config.connectionTimeoutSeconds, ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_MEMORY_LIMIT, value: config.connectionMemoryLimit, ptr_value: nil),
                MHD_OptionItem(option: .NOTIFY_COMPLETED,
                               value: Int(bitPattern: unsafeBitCast(mhdRequestCompleted, to: UnsafeRawPointer.self)),
                               ptr_value: me),
                MHD_OptionItem(option: .UNESCAPE_CALLBACK,
                               value: Int(bitPattern: unsafeBitCast(mhdKeepEscaped, to: UnsafeRawPointer.self)),
                               ptr_value: nil),
            ]
            if config.threadPoolSize > 1 {
                options.append(MHD_OptionItem(option: .THREAD_POOL_SIZE, value: config.threadPoolSize, ptr_value: nil))
            }
            return Self.tlsPriorities.withCString { priorities in
                if config.tls != nil {
                    options.append(MHD_OptionItem(option: .HTTPS_MEM_CERT, value: 0, ptr_value: tlsStrings[0]))
                    options.append(MHD_OptionItem(option: .HTTPS_MEM_KEY, value: 0, ptr_value: tlsStrings[1]))
                    options.append(MHD_OptionItem(option: .HTTPS_PRIORITIES, value: 0,
                                                  ptr_value: UnsafeMutableRawPointer(mutating: priorities)))
                }
                options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
                return options.withUnsafeBufferPointer { buffer in
                    cp_mhd_start(flags, config.port, mhdAccessHandler, me, buffer.baseAddress)
                }
            }
        }

        if started != nil { startAdmissionTimer() }
        let messages: [String] = lock.withLock {
            let captured = startupMessages ?? []
            startupMessages = nil
            if started == nil { phase = .idle }
            return captured
        }
        guard let started else {
            let reason = messages.isEmpty ? "libmicrohttpd could not start the daemon" : messages.joined(separator: "; ")
            throw HTTPServerError(.startFailed, "cannot listen on \(shownAddress): \(reason)")
        }
        let port = cp_mhd_daemon_info(started, .DAEMON_INFO_BIND_PORT)?.pointee.port ?? config.port
        lock.withLock {
            daemon = started
            boundPort = port
        }
        let listening = config.host.contains(":") ? "[\(config.host)]:\(port)" : "\(config.host):\(port)"
        logger.info("HTTP server listening", metadata: ["address": "\(listening)", "tls": "\(config.tls != nil)",
                                                        "threads": "\(config.threadPoolSize)"])
    }

    func stop() {
        let (toStop, waiting): (OpaquePointer?, [RequestState]) = lock.withLock {
            guard phase == .running, let current = daemon else {
                if phase == .idle { phase = .stopped }
                return (nil, [])
            }
            phase = .stopping
            return (current, Array(live.values))
        }
        guard let toStop else { return }

        // No new connections from here on (keep-alive connections may still send requests; those
        // that would have to wait are answered 503 at once, see registerLive).
        let listenSocket = MHD_quiesce_daemon(toStop)
        for request in waiting {
            request.shutDown()
        }
        let deadline = monotonicUptime() + .milliseconds(max(0, configuration.shutdownGraceMilliseconds))
        let left: Int = lock.withLock {
            while !live.isEmpty, lock.wait(untilUptime: deadline) {}
            return live.count
        }
        if left > 0 {
            logger.warning("HTTP server stopping with unfinished connections",
                           metadata: ["connections": "\(left)"])
        }
        MHD_stop_daemon(toStop)
        if listenSocket >= 0 {
            close(listenSocket)
        }
        stopAdmissionTimer()
        lock.withLock {
            daemon = nil
            phase = .stopped
            live.removeAll()
        }
        logger.info("HTTP server stopped")
    }

    // MARK: live requests (suspended, or streaming)

    /// Called with the request's lock held, before suspending it or attaching a stream: records it
    /// so `stop()` can resume it. False once the server is stopping.
    func registerLive(_ request: RequestState) -> Bool {
        lock.withLock {
            guard phase == .running else { return false }
            if !request.registeredLive {
                request.registeredLive = true
                live[ObjectIdentifier(request)] = request
            }
            return true
        }
    }

    func requestCompleted(_ request: RequestState) {
        request.markCompleted()
        lock.withLock {
            if request.registeredLive {
                request.registeredLive = false
                live[ObjectIdentifier(request)] = nil
                if live.isEmpty { lock.broadcast() }
            }
        }
    }

    /// Testing aid: requests currently suspended or streaming.
    var liveCount: Int { lock.withLock { live.count } }

    // MARK: admission (ConnectionAdmission): MHD threads and the admission timer

    func connectionOpened(_ connection: OpaquePointer) {
        guard let fd = cp_mhd_connection_info(connection, .CONNECTION_INFO_CONNECTION_FD)?.pointee.connect_fd else { return }
        let address = cp_mhd_connection_info(connection, .CONNECTION_INFO_CLIENT_ADDRESS)?.pointee.client_addr
            .map(clientAddressBytes) ?? []
        let id = UInt(bitPattern: connection)
        admissionLock.withLock {
            sockets[id] = fd
            shutDown(admission.opened(id, address: address, now: monotonicUptime()), because: "connection limit")
            wakeAdmissionTimerIfIdle()
        }
    }

    func connectionClosed(_ connection: OpaquePointer) {
        let id = UInt(bitPattern: connection)
        admissionLock.withLock {
            sockets[id] = nil
            admission.closed(id)
        }
    }

    func requestReceived(on connection: OpaquePointer) {
        admissionLock.withLock { admission.requestReceived(UInt(bitPattern: connection)) }
    }

    func answerSent(on connection: OpaquePointer) {
        admissionLock.withLock {
            admission.answerSent(UInt(bitPattern: connection), now: monotonicUptime())
            wakeAdmissionTimerIfIdle()
        }
    }

    /// With `admissionLock` held. MHD sees the end of the stream and closes the connection itself.
    private func shutDown(_ ids: [UInt], because reason: String) {
        for id in ids {
            guard let fd = sockets[id] else { continue }
            logger.debug("HTTP connection closed: \(reason)", metadata: ["socket": "\(fd)"])
            _ = shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    private func wakeAdmissionTimerIfIdle() {
        if admissionTimerIdle {
            admissionTimerIdle = false
            admissionLock.signal()
        }
    }

    private func startAdmissionTimer() {
        admissionLock.withLock { admissionTimerRunning = true }
        admissionTimer = spawnThread { [self] in
            admissionLock.withLock {
                while admissionTimerRunning {
                    let now = monotonicUptime()
                    shutDown(admission.expire(now: now), because: "request not received within \(configuration.requestTimeoutSeconds) s")
                    if let deadline = admission.nextDeadline {
                        _ = admissionLock.wait(untilUptime: deadline)
                    } else {
                        admissionTimerIdle = true
                        admissionLock.wait()
                    }
                }
            }
        }
    }

    private func stopAdmissionTimer() {
        admissionLock.withLock {
            admissionTimerRunning = false
            admissionLock.broadcast()
        }
        if let admissionTimer { pthread_join(admissionTimer, nil) }
        admissionTimer = nil
    }

    // MARK: logging

    func mhdMessage(_ line: String) {
        let capturing = lock.withLock { () -> Bool in
            guard startupMessages != nil else { return false }
            startupMessages!.append(line)
            return true
        }
        if !capturing {
            logger.warning("libmicrohttpd: \(line)")
        }
    }

    // MARK: responses (MHD thread, inside the access handler)

    func queue(_ answer: HTTPAnswer, for request: RequestState, closeConnection: Bool = false) -> MHD_Result {
        switch answer {
        case .response(let response):
            return queue(response, on: request.connection, closeConnection: closeConnection)
        case .stream(let status, let headers, let stream):
            return queueStream(status: status, headers: headers, stream: stream, for: request)
        }
    }

    func queue(_ response: HTTPResponse, on connection: OpaquePointer, closeConnection: Bool = false) -> MHD_Result {
        let created = response.body.withUnsafeBytes { raw in
            MHD_create_response_from_buffer(raw.count, UnsafeMutableRawPointer(mutating: raw.baseAddress),
                                            .RESPMEM_MUST_COPY)
        }
        guard let created else {
            logger.error("libmicrohttpd could not create a response", metadata: ["status": "\(response.status)"])
            return .NO
        }
        defer { MHD_destroy_response(created) }
        addHeaders(response.headers, to: created)
        if closeConnection {
            _ = MHD_add_response_header(created, "Connection", "close")
        }
        let result = cp_mhd_queue_response(connection, UInt32(clamping: response.status), created)
        if result == .NO {
            logger.error("libmicrohttpd refused to queue a response", metadata: ["status": "\(response.status)"])
        }
        return result
    }

    private func queueStream(status: Int, headers: [(name: String, value: String)], stream: HTTPStream,
                             for request: RequestState) -> MHD_Result {
        guard stream.attach(to: request.connection) else {
            logger.error("an HTTPStream was used for two responses; answering 500")
            stream.close(.notAttached)
            return queue(HTTPServerCore.noResponseProblem, on: request.connection)
        }
        let retained = Unmanaged.passRetained(stream).toOpaque()
        // The free callback runs when MHD destroys the response (request over or connection gone),
        // also right away if creating/queueing fails; it detaches and releases the stream.
        guard let created = MHD_create_response_from_callback(UInt64.max, 8 * 1024, mhdStreamReader, retained,
                                                              mhdStreamFree) else {
            Unmanaged<HTTPStream>.fromOpaque(retained).release()
            stream.detach()
            logger.error("libmicrohttpd could not create a stream response")
            return .NO
        }
        defer { MHD_destroy_response(created) }
        addHeaders(headers, to: created)
        // Deliberately no cp_mhd_set_connection_timeout(connection, 0): while the stream has nothing
        // to send its connection is suspended, and suspended connections never time out (MHD restarts
        // the timer on resume; verified with a 1 s timeout and 3 s between events). The timeout then
        // only fires for a client that stops reading while bytes are pending - exactly the stalled
        // client that must be dropped. With timeout 0 such a connection would stay open forever.
        request.setStream(stream)
        if !request.core.registerLive(request) {
            stream.closeForShutdown()
        }
        let result = cp_mhd_queue_response(request.connection, UInt32(clamping: status), created)
        if result == .NO {
            logger.error("libmicrohttpd refused to queue a stream response", metadata: ["status": "\(status)"])
        }
        return result
    }

    private func addHeaders(_ headers: [(name: String, value: String)], to response: OpaquePointer) {
        for header in headers {
            // MHD sets it. The length is compared first: lowercasing a name such as Content-Type made a string.
            if header.name.utf8.count == 14, asciiLowercased(header.name) == "content-length" { continue }
            if MHD_add_response_header(response, header.name, header.value) == .NO {
                logger.warning("invalid response header dropped", metadata: ["header": "\(header.name)"])
            }
        }
    }
}
