import Certificates
import CLibWebSockets
import Logging

#if canImport(Glibc)
import Glibc
import Threads
#elseif canImport(Darwin)
import Darwin
#endif

public struct WebSocketServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal ("127.0.0.1", "0.0.0.0", "::1", "::") or "localhost".
    public var host: String
    /// 0 picks a free port; read `WebSocketServer.boundPort` after `start()`.
    public var port: Int
    /// The subprotocols accepted; a handshake that offers none of them is refused. A client that offers
    /// several gets the first of its own list that is here: it lists its preferred one first (OCPP-J
    /// §3.1), and lws binds that one before our handshake filter runs, with no way to rebind.
    public var subprotocols: [String]
    /// Reassembly cap for one incoming message; a bigger one closes the connection with 1009.
    public var maximumMessageSize: Int
    /// Simultaneous websocket connections; lws sizes its descriptor tables from this.
    public var maximumConnections: Int
    /// Decides at the handshake whether an identity (the last path segment, decoded)
    /// may connect; a refused one gets HTTP 404, as OCPP-J prescribes for unknown identities.
    /// Runs on the service thread and must not block.
    public var admit: @Sendable (String) -> Bool
    /// wss instead of ws.
    public var tls: WebSocketServerTLS?
    /// Decides, after `admit`, whether the handshake's credentials are good enough; a refused one gets
    /// HTTP 401. Runs on the service thread and must not block.
    public var authenticate: @Sendable (HandshakeCredentials) -> Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        subprotocols: [String] = ["ocpp1.6"],
        maximumMessageSize: Int = 1 << 20,
        maximumConnections: Int = 1000,
        tls: WebSocketServerTLS? = nil,
        admit: @escaping @Sendable (String) -> Bool = { _ in true },
        authenticate: @escaping @Sendable (HandshakeCredentials) -> Bool = { _ in true }
    ) {
        self.host = host
        self.port = port
        self.subprotocols = subprotocols
        self.maximumMessageSize = maximumMessageSize
        self.maximumConnections = maximumConnections
        self.tls = tls
        self.admit = admit
        self.authenticate = authenticate
    }
}

/// The server's certificate, and whom it accepts client certificates from (OCPP security profiles 2 and 3).
public struct WebSocketServerTLS: Sendable {
    /// PEM files: the certificate chain and its unencrypted key.
    public var certificateFile: String
    public var keyFile: String
    /// With it, a client may present a certificate, which must chain to these CAs (a bad one fails the TLS
    /// handshake); a client without one still reaches `authenticate`.
    public var clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}

/// What a client proved at the handshake.
public struct HandshakeCredentials: Sendable, Equatable {
    /// The last path segment.
    public var identity: String
    /// From `Authorization: Basic`; nil without a well-formed one.
    public var basicAuth: WebSocketSecurity.BasicCredentials?
    /// The subject common name of the client certificate, which TLS has verified; nil without one.
    public var clientCertificateCommonName: String?

    public init(
        identity: String, basicAuth: WebSocketSecurity.BasicCredentials? = nil, clientCertificateCommonName: String? = nil
    ) {
        self.identity = identity
        self.basicAuth = basicAuth
        self.clientCertificateCommonName = clientCertificateCommonName
    }
}

public enum WebSocketServerEvent: Sendable, Equatable {
    /// Handshake done; `send(_:on:)` now accepts this id. A second connection for an identity that
    /// is already connected replaces the first: its `disconnected` comes before this event.
    /// `subprotocol` is the one of `WebSocketServerConfiguration.subprotocols` the connection speaks.
    case connected(connection: UInt64, identity: String, subprotocol: String)
    case received(connection: UInt64, text: String)
    /// Exactly once per `connected`; nothing more arrives for the id afterwards.
    case disconnected(connection: UInt64, reason: String)
}

public enum WebSocketServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The listening socket could not be set up (address in use, no such address, ...).
    case listenFailed(String)
    /// `start()` was called twice, or after `stop()`.
    case invalidState

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return "invalid websocket server configuration: \(message)"
        case let .listenFailed(message): return message
        case .invalidState: return "the websocket server was already started or stopped"
        }
    }
}

/// A websocket server (libwebsockets server mode) for OCPP central systems: one connection per
/// identity, taken from the last segment of the request path.
///
/// Threading: all lws calls happen on one service thread, except `lws_cancel_service`, which
/// `send` and `stop` call (under `lock`) to wake it. `send` may be called from any thread: on the
/// service thread it queues on the connection directly, elsewhere it posts to a locked list that the
/// service thread drains. `onEvent` runs on the service
/// thread, one event at a time and in order; it must not block, and may call `send`.
public final class WebSocketServer: @unchecked Sendable {
    // Sendable: `shared` is touched only under `lock`; the "service thread" properties only on
    // the lws service thread (or in `start()` before it is spawned, or after it was joined);
    // the rest is immutable.

    public let configuration: WebSocketServerConfiguration
    let logger: Logger
    let onEvent: @Sendable (WebSocketServerEvent) -> Void

    // MARK: State shared between threads (guarded by `lock`)

    private struct Shared {
        var started = false
        var stopRequested = false
        var thread: pthread_t?
        /// Kept after `thread` is taken by `stop()`, to recognise the service thread in `send`.
        var serviceThreadID: pthread_t?
        /// The lws context while the service thread runs; `lws_cancel_service` is only called on it under `lock`.
        var context: OpaquePointer?
        var boundPort = 0
        var posted = PostedMessages()
    }

    private let lock = Lock()
    private var shared = Shared()

    // MARK: Service thread state

    /// One accepted websocket, from the handshake filter to WSI_DESTROY.
    private final class Connection {
        let link: LWSConnection
        let identity: String
        let subprotocol: String
        /// `connected` was emitted and `disconnected` not yet: events flow for this id.
        var open = false

        init(link: LWSConnection, identity: String, subprotocol: String) {
            self.link = link
            self.identity = identity
            self.subprotocol = subprotocol
        }

        var id: UInt64 { link.id }
    }

    private var context: OpaquePointer?
    /// Every accepted connection (open or not yet destroyed), by id. lws keeps an unretained
    /// pointer to each in the wsi's opaque user data.
    private var connections: [UInt64: Connection] = [:]
    private var openByIdentity: [String: Connection] = [:]
    private var lastConnectionID: UInt64 = 0
    private var stopping = false
    private var exitLoop = false
    /// Reused for every hand-over of `shared.posted`, so a send costs no allocation here.
    private var drained: [(connection: UInt64, text: String)] = []
    private var writer = LWSWriter()
    /// Unowned: the server outlives its context, and the timer is cancelled before it is destroyed.
    private lazy var stopDeadline = LWSTimer { [unowned self] in requestLoopExit() }

    // C memory that must outlive the context; freed in deinit.
    /// One entry per subprotocol, in `configuration.subprotocols` order, and lws's zeroed terminator.
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let cSubprotocols: [UnsafeMutablePointer<CChar>]
    private let cInterface: UnsafeMutablePointer<CChar>?
    /// TLS files: certificate, key, client CAs.
    private let cTLSFiles: [UnsafeMutablePointer<CChar>?]

    /// How long `stop()` waits for clients to answer the close frame before dropping them.
    static let stopGraceMicros: UInt64 = 2_000_000

    public init(
        configuration: WebSocketServerConfiguration,
        logger: Logger,
        onEvent: @escaping @Sendable (WebSocketServerEvent) -> Void
    ) throws(WebSocketServerError) {
        let interface = try WebSocketServer.interface(for: configuration)
        self.configuration = configuration
        self.logger = logger
        self.onEvent = onEvent
        cSubprotocols = configuration.subprotocols.map { strdup($0) }
        cInterface = interface.map { strdup($0) }
        cTLSFiles = [configuration.tls?.certificateFile, configuration.tls?.keyFile, configuration.tls?.clientCAFile]
            .map { $0.map { strdup($0) } }

        protocols = .allocate(capacity: cSubprotocols.count + 1)
        protocols.initialize(repeating: lws_protocols(), count: cSubprotocols.count + 1)
        for (index, name) in cSubprotocols.enumerated() {
            protocols[index].name = UnsafePointer(name)
            protocols[index].callback = lwsServerProtocolCallback
        }
    }

    deinit {
        for name in cSubprotocols { free(name) }
        if let cInterface { free(cInterface) }
        for file in cTLSFiles { free(file) }
        protocols.deinitialize(count: cSubprotocols.count + 1)
        protocols.deallocate()
    }

    /// The interface string lws binds to (nil = every address), after checking the configuration.
    private static func interface(for configuration: WebSocketServerConfiguration) throws(WebSocketServerError) -> String? {
        guard (0...65535).contains(configuration.port) else {
            throw .invalidConfiguration("port must be 0...65535, not \(configuration.port)")
        }
        guard configuration.maximumMessageSize > 0 else {
            throw .invalidConfiguration("maximumMessageSize must be positive")
        }
        guard (1...100_000).contains(configuration.maximumConnections) else {
            throw .invalidConfiguration("maximumConnections must be 1...100000")
        }
        guard !configuration.subprotocols.isEmpty else {
            throw .invalidConfiguration("at least one subprotocol is needed")
        }
        for subprotocol in configuration.subprotocols where !isSubprotocolToken(subprotocol) {
            throw .invalidConfiguration("subprotocol '\(subprotocol)' is not a valid token")
        }
        guard Set(configuration.subprotocols).count == configuration.subprotocols.count else {
            throw .invalidConfiguration("subprotocols \(configuration.subprotocols) name one twice")
        }
        switch configuration.host {
        case "0.0.0.0", "::": return nil
        case "localhost": return "127.0.0.1"
        default:
            var v4 = in_addr()
            var v6 = in6_addr()
            guard inet_pton(AF_INET, configuration.host, &v4) == 1 || inet_pton(AF_INET6, configuration.host, &v6) == 1 else {
                throw .invalidConfiguration("host '\(configuration.host)' must be an IP address or localhost")
            }
            return configuration.host
        }
    }

    /// The port actually bound (useful with port 0); 0 before `start()`.
    public var boundPort: Int { lock.withLock { shared.boundPort } }

    /// Binds and starts the service thread. The context is created here, on the caller's thread,
    /// so that a port in use is reported to the caller; lws runs it on the service thread afterwards.
    public func start() throws(WebSocketServerError) {
        try lock.withLock { () throws(WebSocketServerError) in
            guard !shared.started, !shared.stopRequested else { throw .invalidState }
            LWSLogRouter.shared.install(logger)
            var info = lws_context_creation_info()
            info.port = Int32(configuration.port)
            info.iface = cInterface.map { UnsafePointer($0) }
            info.protocols = UnsafePointer(protocols)
            info.user = Unmanaged.passUnretained(self).toOpaque()
            info.gid = -1
            info.uid = -1
            // An IPv4 address cannot be bound on an IPv6 socket; "::" keeps dual-stack.
            info.options = configuration.host.contains(":") ? 0 : UInt64(LWS_SERVER_OPTION_DISABLE_IPV6)
            // Listen socket, cancel pipe and a little slack besides the connections (see c-interop-notes §7).
            if configuration.tls != nil {
                info.options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
                info.ssl_cert_filepath = UnsafePointer(cTLSFiles[0])
                info.ssl_private_key_filepath = UnsafePointer(cTLSFiles[1])
                if let clientCAs = cTLSFiles[2] {
                    info.ssl_ca_filepath = UnsafePointer(clientCAs)
                    // Verify a certificate the client sends, but let one without through (profile 2 next to 3).
                    info.options |= cp_lws_option_require_valid_client_certificate() | UInt64(LWS_SERVER_OPTION_PEER_CERT_NOT_REQUIRED)
                }
            }
            info.fd_limit_per_thread = UInt32(configuration.maximumConnections + 8)
            info.timeout_secs = 10
            guard let created = lws_create_context(&info) else {
                throw .listenFailed("cannot listen for websockets on \(configuration.host):\(configuration.port) (address in use or not available)")
            }
            guard let vhost = lws_get_vhost_by_name(created, "default") else {
                lws_context_destroy(created)
                throw .listenFailed("libwebsockets created no listening vhost for \(configuration.host):\(configuration.port)")
            }
            context = created
            shared.context = created
            shared.boundPort = Int(lws_get_vhost_listen_port(vhost))
            shared.thread = spawnThread(name: "ws-server") { [self] in serviceThreadMain() }
            shared.serviceThreadID = shared.thread
            guard shared.thread != nil else {
                lws_context_destroy(created)
                context = nil
                shared.context = nil
                throw .listenFailed("cannot start the websocket service thread")
            }
            shared.started = true
        }
        logger.info("websocket server listening on \(configuration.host):\(boundPort), subprotocols \(configuration.subprotocols.joined(separator: ", "))")
    }

    /// Queues `text` for `connection`; dropped if that connection is not (or no longer) open.
    public func send(_ text: String, on connection: UInt64) {
        let onServiceThread: Bool = lock.withLock {
            guard let context = shared.context, !shared.stopRequested else { return false }
            if let id = shared.serviceThreadID, pthread_equal(id, pthread_self()) != 0 { return true }
            if shared.posted.post(text, to: connection) { lws_cancel_service(context) }
            return false
        }
        guard onServiceThread else { return }
        deliverPosted()     // what other threads sent earlier goes first
        if let target = connections[connection], target.open { target.link.enqueue(text) }
    }

    /// Closes every connection with 1001 (going away), waits up to 2 s for the clients to answer,
    /// destroys the context on the service thread and joins it. Every open connection gets its
    /// `disconnected` before this returns. Idempotent; must not be called from `onEvent`.
    public func stop() {
        let thread: pthread_t? = lock.withLock {
            shared.stopRequested = true
            if let context = shared.context { lws_cancel_service(context) }
            defer { shared.thread = nil }
            return shared.thread
        }
        if let thread { pthread_join(thread, nil) }
    }

    // MARK: - Service thread

    private func serviceThreadMain() {
        guard let context else { return }
        while !exitLoop {
            if lws_service(context, 0) < 0 {
                logger.error("websocket server: lws_service failed; shutting the server down")
                break
            }
        }
        stopDeadline.cancel()
        lock.withLock {
            shared.context = nil
            _ = shared.posted.removeAll()
        }
        stopping = true
        lws_context_destroy(context)     // delivers CLOSED / WSI_DESTROY for what is left
        self.context = nil
        for connection in Array(connections.values) {
            connection.link.note("server stopped")
            finish(connection)
        }
        logger.debug("websocket server: service thread finished")
    }

    func handleCallback(
        wsi: OpaquePointer, reason: lws_callback_reasons,
        user: UnsafeMutableRawPointer?, input: UnsafeMutableRawPointer?, length: Int
    ) -> Int32 {
        switch reason {
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            processCommands()
            return 0

        case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
            return admit(wsi)

        case LWS_CALLBACK_ESTABLISHED:
            guard let connection = connection(of: wsi) else { return -1 }
            if stopping { return -1 }
            establish(connection)
            return 0

        case LWS_CALLBACK_RECEIVE:
            guard let connection = connection(of: wsi), connection.open else { return 0 }
            // Never non-zero from here: see `LWSConnection` (a failed message closes from WRITEABLE).
            if let text = connection.link.receive(input, length: length, logger: logger) {
                onEvent(.received(connection: connection.id, text: text))
            }
            return 0

        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let connection = connection(of: wsi) else { return 0 }
            return connection.link.writeable(with: &writer)

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            connection(of: wsi)?.link.peerClosed(input, length: length, peer: "client")
            return 0

        case LWS_CALLBACK_CLOSED:
            if let connection = connection(of: wsi) {
                connection.link.note("connection closed")
                finish(connection)
            }
            return 0

        case LWS_CALLBACK_WSI_DESTROY:
            // The one callback lws delivers for every wsi, also when the handshake failed after the filter.
            if let connection = connection(of: wsi) {
                connection.link.note("connection closed")
                finish(connection)
                lws_set_opaque_user_data(wsi, nil)
                connections[connection.id] = nil
                if stopping && connections.isEmpty { requestLoopExit() }
            }
            return 0

        default:
            return lws_callback_http_dummy(wsi, reason, user, input, length)
        }
    }

    private func connection(of wsi: OpaquePointer) -> Connection? {
        guard let pointer = lws_get_opaque_user_data(wsi) else { return nil }
        return Unmanaged<Connection>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The handshake filter: the request must offer one of our subprotocols (lws itself refuses a list
    /// without one, but lets a request with no list at all through) and name an admitted identity.
    private func admit(_ wsi: OpaquePointer) -> Int32 {
        if stopping { return -1 }
        let path = lwsHeader(wsi, WSI_TOKEN_GET_URI)
        guard lwsHeader(wsi, WSI_TOKEN_PROTOCOL).isEmpty == false, let subprotocol = boundSubprotocol(wsi) else {
            logger.warning("websocket: refused \(path): the client offered no subprotocol (one of \(configuration.subprotocols.joined(separator: ", ")) required)")
            return -1
        }
        guard let identity = WebSocketServer.identity(fromPath: path) else {
            logger.warning("websocket: refused '\(path)': the path does not end in a charge point identity")
            return notFound(wsi, "the path does not end in a charge point identity")
        }
        guard configuration.admit(identity) else {
            logger.warning("websocket: refused identity '\(identity)': not admitted")
            return notFound(wsi, "unknown charge point identity")
        }
        let credentials = HandshakeCredentials(
            identity: identity, basicAuth: Self.basicCredentials(lwsHeader(wsi, WSI_TOKEN_HTTP_AUTHORIZATION)),
            clientCertificateCommonName: Self.clientCertificateCommonName(wsi))
        guard configuration.authenticate(credentials) else {
            logger.warning("websocket: refused identity '\(identity)': its credentials were not accepted")
            return refuse(wsi, status: "401 Unauthorized", "credentials not accepted", headers: "www-authenticate: Basic realm=\"OCPP\"\r\n")
        }
        lastConnectionID += 1
        let connection = Connection(
            link: LWSConnection(id: lastConnectionID, wsi: wsi, maximumMessageSize: configuration.maximumMessageSize),
            identity: identity, subprotocol: subprotocol)
        connections[connection.id] = connection
        lws_set_opaque_user_data(wsi, Unmanaged.passUnretained(connection).toOpaque())
        return 0
    }

    /// The subprotocol lws bound the handshake to (the first of the client's list that is one of ours),
    /// which the 101 answer will name.
    private func boundSubprotocol(_ wsi: OpaquePointer) -> String? {
        guard let bound = lws_get_protocol(wsi)?.pointee.name else { return nil }
        let name = String(cString: bound)
        return configuration.subprotocols.first { $0 == name }
    }

    /// Answers the upgrade with 404 and hangs up. Written by hand because `lws_return_http_status` says
    /// "HTTP/1.0" on the upgrade path (lws records the request's version only for plain HTTP), which
    /// strict clients such as Python's `websockets` refuse to parse.
    private func notFound(_ wsi: OpaquePointer, _ message: String) -> Int32 {
        refuse(wsi, status: "404 Not Found", message)
    }

    private func refuse(_ wsi: OpaquePointer, status: String, _ message: String, headers: String = "") -> Int32 {
        let body = message + "\n"
        let head = "HTTP/1.1 \(status)\r\ncontent-type: text/plain\r\ncontent-length: \(body.utf8.count)\r\n"
            + headers + "connection: close\r\n\r\n" + body
        _ = writer.write(head, to: wsi, as: LWS_WRITE_HTTP_HEADERS)
        return -1
    }

    /// `Basic base64(user:password)`; nil for anything else.
    static func basicCredentials(_ header: String) -> WebSocketSecurity.BasicCredentials? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = Base64.decode(String(parts[1])),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        return WebSocketSecurity.BasicCredentials(
            user: String(decoding: decoded[..<colon], as: UTF8.self), password: Array(decoded[(colon + 1)...]))
    }

    /// The common name of the client certificate; TLS has already verified it against the client CAs.
    private static func clientCertificateCommonName(_ wsi: OpaquePointer) -> String? {
        guard let ssl = lws_get_ssl(wsi), let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard SSL_get_verify_result(ssl) == X509_V_OK else { return nil }
        var name = [CChar](repeating: 0, count: 256)
        let length = X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, &name, Int32(name.count))
        guard length > 0 else { return nil }
        return String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The last segment of the request path; nil when it is empty or holds control characters.
    /// lws has already decoded the path once, form-style: `%2541` arrives as `%41`, `+` as a space (a
    /// percent-encoding client sends `%2B`), and `%2F` as a separator, so an identity cannot contain `/`.
    static func identity(fromPath path: String) -> String? {
        let withoutQuery = path.prefix { $0 != "?" }
        let segment = withoutQuery.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard !segment.isEmpty, !segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return nil
        }
        return String(segment)
    }

    private func establish(_ connection: Connection) {
        if let previous = openByIdentity[connection.identity] {
            previous.link.note("replaced by connection \(connection.id) for the same identity")
            finish(previous)
            previous.link.close(LWS_CLOSE_STATUS_NORMAL, "replaced by a new connection", afterQueued: false, backstop: false)
        }
        connection.open = true
        openByIdentity[connection.identity] = connection
        logger.debug("websocket \(connection.id) connected: \(connection.identity)")
        onEvent(.connected(connection: connection.id, identity: connection.identity, subprotocol: connection.subprotocol))
    }

    /// Reports the end of an open connection, once; later traffic on it is dropped.
    private func finish(_ connection: Connection) {
        guard connection.open else { return }
        connection.open = false
        connection.link.dropQueued()
        if openByIdentity[connection.identity] === connection { openByIdentity[connection.identity] = nil }
        let reason = connection.link.reason ?? "connection closed"
        logger.debug("websocket \(connection.id) disconnected: \(connection.identity): \(reason)")
        onEvent(.disconnected(connection: connection.id, reason: reason))
    }

    /// Runs after `lws_cancel_service`: hands queued messages to their connections and starts a stop.
    private func processCommands() {
        deliverPosted()
        if lock.withLock({ shared.stopRequested }) { beginStop() }
    }

    /// Hands what other threads sent to their connections (frames for a closed one are dropped).
    private func deliverPosted() {
        lock.withLock { shared.posted.take(into: &drained) }
        for item in drained {
            guard let connection = connections[item.connection], connection.open else { continue }
            connection.link.enqueue(item.text)
        }
        drained.removeAll(keepingCapacity: drained.count <= 1024)
    }

    private func beginStop() {
        guard !stopping else { return }
        stopping = true
        if connections.isEmpty {
            requestLoopExit()
            return
        }
        for connection in connections.values {
            connection.link.note("server stopping")
            if connection.open {
                connection.link.close(LWS_CLOSE_STATUS_GOINGAWAY, "server stopping", afterQueued: false, backstop: false)
            } else {
                connection.link.kill()
            }
        }
        if let context { stopDeadline.schedule(on: context, afterMicros: WebSocketServer.stopGraceMicros) }
    }

    private func requestLoopExit() {
        exitLoop = true
        if let context { lws_cancel_service(context) }
    }
}
