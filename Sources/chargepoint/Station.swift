import ArgumentParser
import ChargePoint
import ControlAPI
import EVSimulation
import Fleet
import Glibc
import HTTPServer
import Logging
import OCPP16
import Runtime
import Store
import Transport

/// Wires the OCPP 1.6 charge point's engine to its edges: the store, the websocket to the CSMS and the REST
/// resources.
struct Station {
    let options: ServeOptions
    /// Recent log lines, for diagnostics archives.
    let logRecorder: LogRecorder

    /// `fleet`: what a fleet's stations share (the timer thread, the traffic totals); nil for a station alone.
    func wire(in fleet: FleetShared?, logger: Logger) throws -> WiredStation {
        guard makeDirectories(options.dataDirectory) else {
            throw ValidationError("cannot create the data folder \(options.dataDirectory): \(String(cString: strerror(errno)))")
        }
        let store = try Store(directory: options.dataDirectory, durability: fleet?.durability ?? .syncEachCommit)
        let settings = StationSettings(
            identity: options.identity, connectorCount: options.connectorCount,
            bootNotification: options.bootNotification, configurationOverrides: options.configurationOverrides,
            security: options.security)
        let host: ChargePointHost
        do {
            host = try ChargePointHost(store: store, logger: logger) {
                var random = SystemRandomNumberGenerator()
                return try ChargePointEngine(
                    settings: settings, restoring: try store.load(), now: Clock.now(),
                    messageIdPrefix: String(random.next() as UInt32, radix: 16), logger: logger)
            }
        } catch let refusal as ConfigurationRefusal {
            throw ValidationError("--ocpp-config: \(refusal)")
        }
        let runtime = Runtime(host, timer: fleet?.timer)
        if let problem = host.initialLinkSecurity.problem {
            throw ValidationError("cannot connect to the central system: \(problem).")
        }
        let telemetry = Telemetry(version: ChargePointCommand.version, vocabulary: .ocpp16)
        let identity = options.identity
        let linkLogger = {
            var linkLogger = Logger(label: "chargepoint.websocket")
            linkLogger[metadataKey: "station"] = logger[metadataKey: "station"]
            return linkLogger
        }()
        let client = try CSMSLink(
            WebSocketClientConfiguration(
                url: options.csmsURL, subprotocol: OCPPVersion.v16.subprotocol,
                pingInterval: host.initialConfiguration.integer(.webSocketPingInterval),
                security: WebSocketSecurity(host.initialLinkSecurity.settings, identity: identity)),
            logger: logger,
            make: { configuration, onEvent in
                try WebSocketClient(configuration: configuration, logger: linkLogger, onEvent: onEvent)
            }
        ) { [weak runtime] event in
            // Weak: the runtime's host holds the link (to send), and a station a fleet removes must be freed.
            guard let runtime else { return }
            switch event {
            case .connecting:
                runtime.handle(.linkConnecting)
            case .connected(let connection):
                telemetry.linkEstablished()
                runtime.handle(.connected(connection: connection))
            case .received(_, let text):
                runtime.handle(.received(text))
            case .securityFailure(_, let failure, let detail):
                runtime.handle(.securityFailure(SecurityEventType(failure), detail: detail))
            case .disconnected(_, let reason, _):
                runtime.handle(.linkDown(reason: reason))
            }
        }
        let events = EventHub(csmsURL: options.csmsURL, version: ChargePointCommand.version)
        host.send = { text, connection in client.send(text, on: connection) }
        host.setPingInterval = { seconds in client.setPingInterval(seconds: seconds) }
        host.reconnect = { client.reconnect(to: options.csmsURL) }
        host.configureLink = { security, reconnect in
            logger.notice("central system link: \(security)")
            client.update(security: WebSocketSecurity(security, identity: identity))
            if reconnect { client.reconnect(to: options.csmsURL) }
        }
        let jobs = JobRunner(
            dataDirectory: options.dataDirectory, installCommand: options.firmwareInstallCommand,
            finished: { [weak runtime] id, outcome in runtime?.handle(.jobFinished(id: id, outcome)) })
        let recorder = logRecorder
        host.runJob = { job, snapshot in
            var archive: [UInt8]?
            if case .uploadDiagnostics = job.kind {
                let log = ("chargepoint.log", Array(recorder.recent.joined(separator: "\n").utf8))
                archive = TarArchive.make(events.diagnosticsDocuments(snapshot) + [log], modified: .now)
            }
            jobs.run(job, archive: archive)
        }
        let readModel = ReadModel()
        host.publishSnapshot = readModel.publish
        host.publishStoreProblem = { readModel.storeProblem = $0 }
        let changes = StationFeed()
        host.publish = { notification in
            switch notification {
            case .rpc(let event):
                telemetry.record(event)
                fleet?.telemetry.record(event, version: OCPPVersion.v16.rawValue)
            case .station(let station):
                if station.registration == .accepted { changes.send(.registered) }
                events.publish(notification)
            case .connector(let connector):
                changes.send(.connector(StationTraffic.Connector(connector)))
                events.publish(notification)
            default:
                events.publish(notification)
            }
        }
        host.observeFrame = { incoming, text, time in events.frame(incoming ? .incoming : .outgoing, text, at: time) }

        let resources = ChargePointResources(
            csmsURL: options.csmsURL, version: ChargePointCommand.version, connectorCount: options.connectorCount,
            events: events, telemetry: telemetry, readModel: readModel,
            perform: { command, reply in runtime.handle(.command(command, reply: reply)) })
        let api = ControlAPI(
            resources: resources, events: events, telemetry: telemetry, page: try webPage(options),
            access: APIAccess(token: options.apiToken))
        if host.initialLinkSecurity.settings.profile == 1, options.csmsURL.lowercased().hasPrefix("ws:") {
            logger.warning("security profile 1 over ws:// sends the AuthorizationKey readable by anyone on the path: use it on a trusted network only, or profile 2")
        }
        let controls = StationControls { action, refused in
            func command(_ command: Command, refusal: (@Sendable () -> Void)? = nil) {
                runtime.handle(.command(command, reply: { result in
                    if case .failed = result { refusal?() }
                }))
            }
            switch action {
            case .start(let connector, let idTag):
                command(.plug(connector: connector))
                guard let token = IdToken(idTag) else { return refused(connector) }
                command(.start(connector: connector, idTag: token), refusal: { refused(connector) })
            case .plugIn(let connector):
                command(.plug(connector: connector))
            case .draw(let connector, let powerW):
                command(.setMeter(connector: connector, energyWh: nil, powerW: powerW))
            case .leave(let connector):
                command(.stop(connector: connector, reason: .local))
                // The answer tells the traffic the cable is out even when nothing changed (it never went in).
                runtime.handle(.command(.unplug(connector: connector), reply: { result in
                    if case .connector(let snapshot) = result { changes.send(.connector(StationTraffic.Connector(snapshot))) }
                }))
            }
        }
        return WiredStation(
            identity: identity, api: api, controls: controls, changes: changes, link: client,
            start: {
                runtime.handle(.start)
                runtime.start()
                client.start()
            },
            stop: {
                client.stop()
                runtime.stop()
            })
    }
}

extension WebSocketSecurity {
    /// The transport's view of a security profile's credentials: Basic auth as the identity.
    init(_ link: LinkSecurity, identity: String) {
        self.init(
            basicAuth: link.basicAuthPassword.map { BasicCredentials(user: identity, password: $0) },
            requireTLS: link.profile >= 2, trustedCertificatesPEM: link.trustedCertificatesPEM,
            clientCertificateChainPEM: link.clientCertificateChainPEM, clientKeyPEM: link.clientKeyPEM)
    }
}

extension SecurityEventType {
    /// The security event a refused connection raises.
    init(_ failure: LinkSecurityFailure) {
        self =
            switch failure {
            case .credentialsRejected: .failedToAuthenticateAtCentralSystem
            case .serverCertificateRejected: .invalidCentralSystemCertificate
            case .tlsVersionRefused: .invalidTLSVersion
            case .tlsCipherRefused: .invalidTLSCipherSuite
            }
    }
}


// MARK: - What both protocol versions' services need

/// What the stations of a fleet share.
struct FleetShared {
    /// Ticks every station's engine and traffic.
    let timer: RuntimeTimer
    /// One sync of the disk for the commits the stations make meanwhile.
    let groupCommit: GroupCommit
    /// The stations' CALL round trips and errors, added up.
    let telemetry: FleetTelemetry

    var durability: Durability { .grouped(groupCommit) }
}

/// One station wired to its store, its central-system link and its REST resources, with no server and no
/// signal handling of its own: `serve` runs one, `fleet` many behind one server.
struct WiredStation {
    let identity: String
    let api: ControlAPI
    /// What drivers and vehicles do to it (a fleet's traffic).
    let controls: StationControls
    /// Its registration and connectors' changes, as they happen.
    let changes: StationFeed
    /// Its link to the central system, which a fleet's operator may cut and restore.
    let link: CSMSLink
    /// Starts the engine and connects.
    let start: () -> Void
    /// Closes the link and stops the engine's timer.
    let stop: () -> Void

    /// `serve`: the station alone behind its REST server, until SIGINT or SIGTERM; with `--vehicles on` a
    /// simulated vehicle behind every session.
    static func serveUntilSignalled(_ options: ServeOptions, wire: () throws -> WiredStation) throws {
        let stopSignals = StopSignals()
        let logger = Logger(label: "chargepoint")
        let station = try wire()
        var random = SystemRandomNumberGenerator()
        let vehicles = options.vehicles
            ? TrafficHost.runtime(
                StationTraffic(generator: nil, profile: EVProfile(), seed: random.next()), generating: false,
                for: station, timer: nil)
            : nil
        let server = try startHTTPServer(options, handler: station.api.handle)
        station.start()
        logStart(options, apiPort: server.boundPort, logger: logger)
        // Waited for outside the log call: its message is not built (and would not wait) below level info.
        let received = stopSignals.wait()
        logger.info("stopping on signal \(received)")
        server.stop()
        vehicles?.stop()
        station.stop()
    }
}

/// `mkdir -p`, with the data folder itself owner-only since it holds keys (an existing one keeps its mode).
func makeDirectories(_ path: String) -> Bool {
    var prefix = path.hasPrefix("/") ? "/" : ""
    let components = path.split(separator: "/")
    for (index, component) in components.enumerated() {
        prefix += component + "/"
        if mkdir(prefix, index == components.count - 1 ? 0o700 : 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
}

/// The web page: the one built into the binary, or `--web-root`'s folder.
func webPage(_ options: ServeOptions) throws -> StaticFiles {
    do {
        return try options.webRoot.map { try StaticFiles(directory: $0) } ?? StaticFiles.embedded
    } catch {
        throw ValidationError("--web-root: \(error)")
    }
}

/// The REST API's server, listening.
func startHTTPServer(
    _ options: ServeOptions, handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void
) throws -> HTTPServer {
    let server = HTTPServer(
        configuration: HTTPServerConfiguration(
            host: options.httpHost, port: options.httpPort,
            // The largest request the API takes (a configuration value, a fault's info) is far smaller.
            maximumBodySize: 64 * 1024,
            // Event streams count too. Past either limit a newcomer takes the place of the oldest
            // connection still sending its request (slowloris), so a new client always gets in.
            connectionLimit: 256,
            connectionLimitPerAddress: 128,
            // A whole request within 10 s however steadily it trickles; stalled clients go after 30 s.
            // Requests waiting for the central system and quiet event streams are exempt from both.
            requestTimeoutSeconds: 10,
            connectionTimeoutSeconds: 30,
            // Request line and headers (8 KiB of headers fit) plus buffers; measured faster than 64 KiB.
            connectionMemoryLimit: 16 * 1024,
            threadPoolSize: 2,
            tls: options.apiTLS,
            requestHeaders: ControlAPI.requestHeaders),
        logger: Logger(label: "chargepoint.http"), handler: handler)
    do {
        try server.start()
    } catch {
        throw ValidationError("cannot serve the REST API on \(options.httpHost):\(options.httpPort): \(error)")
    }
    return server
}

/// The line that says the service is up, and the warnings about how it was started.
func logStart(_ options: ServeOptions, apiPort: UInt16, logger: Logger) {
    let scheme = options.apiTLS == nil ? "http" : "https"
    let shownHost = options.httpHost.contains(":") ? "[\(options.httpHost)]" : options.httpHost
    let access = options.apiToken == nil ? "no token, loopback only" : "bearer token required"
    logger.info(
        "charge point \(options.identity): API on \(scheme)://\(shownHost):\(apiPort) (\(access)), central system \(options.csmsURL), data in \(options.dataDirectory)")
    if let token = options.apiToken, token.count < 16 {
        logger.warning("the API token is shorter than 16 characters; use a long random one, e.g. `openssl rand -hex 32`")
    }
}

extension StationTraffic.Connector {
    /// A 1.6 connector as a fleet's traffic sees it.
    init(_ connector: ConnectorSnapshot) {
        self.init(
            id: connector.id, plugged: connector.plugged, charging: connector.transaction != nil,
            limitW: connector.limitW, awaitingCable: connector.awaitingCable)
    }
}
