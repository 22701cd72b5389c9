import ArgumentParser
import ControlAPI
import EngineSupport
import Fleet
import Glibc
import Logging
import OCPP201
import Runtime
import Station201
import Store
import Threads
import Transport

/// Wires the OCPP 2.0.1 station's engine to its edges: the store, the websocket to the CSMS (subprotocol
/// `ocpp2.0.1`) and the REST API.
struct StationService201 {
    let options: ServeOptions
    /// Recent log lines, for diagnostics archives (GetLog DiagnosticsLog).
    let logRecorder: LogRecorder

    /// `fleet`: what a fleet's stations share (the timer thread, the traffic totals); nil for a station alone.
    func wire(in fleet: FleetShared?, logger: Logger) throws -> WiredStation {
        guard makeDirectories(options.dataDirectory) else {
            throw ValidationError("cannot create the data folder \(options.dataDirectory): \(String(cString: strerror(errno)))")
        }
        let store = try Store201(directory: options.dataDirectory, durability: fleet?.durability ?? .syncEachCommit)
        // A transaction the data folder holds open on an EVSE this start would not have could never end.
        if let open = try store.load().transactions.first(where: { $0.isOngoing && $0.evseId > options.connectorCount }) {
            throw ValidationError(
                "--connectors \(options.connectorCount): transaction \(open.id) is still open on EVSE \(open.evseId) in "
                    + "\(options.dataDirectory); start with --connectors \(open.evseId) or more so that it can end.")
        }
        let settings = StationSettings(
            identity: options.identity, evseCount: options.connectorCount, description: description,
            csmsURL: options.csmsBaseURL, variableOverrides: options.configurationOverrides,
            security: SecurityCredentials(options))
        let host: StationHost201
        do {
            host = try StationHost201(store: store, logger: logger) {
                var random = SystemRandomNumberGenerator()
                return try StationEngine(
                    settings: settings, restoring: try store.load(), now: Now(uptime: monotonicUptime(), wallClock: .now),
                    messageIdPrefix: String(random.next() as UInt32, radix: 16), transactionIdSeed: random.next(),
                    logger: logger)
            }
        } catch let refusal as VariableOverrideRefusal {
            throw ValidationError("--ocpp-config \(refusal)")
        }
        let runtime = Runtime(host, timer: fleet?.timer)
        if let problem = host.initialLinkSecurity.problem {
            throw ValidationError("cannot connect to the central system: \(problem).")
        }
        let telemetry = Telemetry(version: ChargePointCommand.version, vocabulary: .ocpp201)
        let identity = options.identity
        let client = try CSMSLink(
            WebSocketClientConfiguration(
                url: websocketURL(csms: host.csmsURL, identity: identity),
                subprotocol: OCPPVersion.v201.subprotocol, pingInterval: host.initialPingInterval,
                backoff: Backoff(host.initialReconnectBackoff),
                security: WebSocketSecurity(host.initialLinkSecurity.settings, identity: identity)),
            logger: logger,
            make: { configuration, onEvent in
                var linkLogger = Logger(label: "chargepoint.websocket")
                linkLogger[metadataKey: "station"] = logger[metadataKey: "station"]
                return try WebSocketClient(configuration: configuration, logger: linkLogger, onEvent: onEvent)
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
        let latest = LatestStation()
        latest.station = host.station
        host.send = { text, connection in client.send(text, on: connection) }
        host.setPingInterval = { seconds in client.setPingInterval(seconds: seconds) }
        host.setReconnectBackoff = { backoff in client.update(backoff: Backoff(backoff)) }
        host.updateLinkSecurity = { security in client.update(security: WebSocketSecurity(security, identity: identity)) }
        host.reconnect = { base, security in
            client.update(security: WebSocketSecurity(security, identity: identity))
            client.reconnect(to: websocketURL(csms: base, identity: identity))
        }
        let changes = StationFeed()
        host.publish = { notification in
            switch notification {
            case .rpc(let event):
                telemetry.record(event)
                fleet?.telemetry.record(event, version: OCPPVersion.v201.rawValue)
            case .station(let snapshot):
                latest.station = snapshot
                if snapshot.registration == .accepted { changes.send(.registered) }
                events.publish(notification)
            case .connector(let connector):
                latest.connectorChanged(connector)
                changes.send(.connector(StationTraffic.Connector(connector)))
                events.publish(notification)
            default:
                events.publish(notification)
            }
        }
        host.observeFrame = { incoming, text, time in events.frame(incoming ? .incoming : .outgoing, text, at: time) }
        host.publishStoreProblem = { latest.storeProblem = $0 }
        let jobs = JobRunner(
            dataDirectory: options.dataDirectory, installCommand: options.firmwareInstallCommand,
            finished: { [weak runtime] id, outcome in runtime?.handle(.jobFinished(id: id, outcome)) })
        let recorder = logRecorder
        host.runJob = { job in
            var archive: [UInt8]?
            if case .uploadDiagnostics = job.kind {
                let log = ("chargepoint.log", Array(recorder.recent.joined(separator: "\n").utf8))
                archive = TarArchive.make([events.framesDocument, log], modified: .now)
            }
            jobs.run(job, archive: archive)
        }
        host.cancelJob = { id in jobs.cancel(id) }

        let resources = Station201Resources(
            version: ChargePointCommand.version, evseCount: options.connectorCount,
            events: events, telemetry: telemetry, latest: latest, perform: { command, reply in runtime.handle(.command(command, reply: reply)) })
        let api = ControlAPI(
            resources: resources, events: events, telemetry: telemetry, page: try webPage(options),
            access: APIAccess(token: options.apiToken))
        let controls = StationControls { action, refused in
            func command(_ command: Command, refusal: (@Sendable () -> Void)? = nil) {
                runtime.handle(.command(command, reply: { result in
                    if case .failed = result { refusal?() }
                }))
            }
            switch action {
            case .start(let evse, let idTag):
                guard let text = CiString<36>(idTag) else { return refused(evse) }
                command(.start(evseId: evse, IdToken(idToken: text, type: .iso14443), plugIn: true), refusal: { refused(evse) })
            case .plugIn(let evse):
                command(.plug(evseId: evse))
            case .draw(let evse, let powerW):
                command(.setMeter(evseId: evse, energyWh: nil, powerW: powerW))
            case .leave(let evse):
                command(.stop(evseId: evse, reason: .local))
                // The answer tells the traffic the cable is out even when nothing changed (it never went in).
                runtime.handle(.command(.unplug(evseId: evse), reply: { result in
                    if case .connector(let snapshot) = result { changes.send(.connector(StationTraffic.Connector(snapshot))) }
                }))
            }
        }
        return WiredStation(
            identity: identity, api: api, controls: controls, changes: changes, link: client,
            start: {
                runtime.start()
                client.start()
                logger.info("speaking OCPP 2.0.1 with \(options.connectorCount) EVSEs of one connector each")
            },
            stop: {
                client.stop()
                runtime.stop()
            })
    }

    /// BootNotification's description of the station, from the same options as 1.6's.
    private var description: ChargingStation {
        let boot = options.bootNotification
        return ChargingStation(
            model: boot.chargePointModel, vendorName: CiString(boot.chargePointVendor.value) ?? "",
            serialNumber: boot.chargePointSerialNumber, firmwareVersion: boot.firmwareVersion)
    }
}

extension Backoff {
    /// [P4] §5.3 as the transport's back-off: no jitter, the random part added after the cap.
    init(_ reconnect: ReconnectBackoff) {
        self.init(
            initialDelay: .seconds(reconnect.waitMinimum), multiplier: 2,
            maximumDelay: .seconds(reconnect.waitMinimum << reconnect.repeatTimes), jitter: 0,
            randomRange: .seconds(reconnect.randomRange))
    }
}

extension StationTraffic.Connector {
    /// A 2.0.1 EVSE's connector as a fleet's traffic sees it (no smart charging yet: no limit).
    init(_ connector: ConnectorSnapshot) {
        self.init(
            id: connector.evseId, plugged: connector.plugged, charging: connector.transaction != nil,
            awaitingCable: connector.awaitingCable)
    }
}

extension SecurityCredentials {
    /// The command line's security flags as the 2.0.1 station reads them (the password as UTF-8 text).
    init(_ options: ServeOptions) {
        let settings = options.security
        self.init(
            profile: settings.minimumProfile, basicAuthPassword: settings.authorizationKey,
            trustedCertificatesPEM: settings.trustedCertificatesPEM,
            clientCertificateChainPEM: settings.clientCertificateChainPEM, clientKeyPEM: settings.clientKeyPEM)
    }
}

extension SecurityEventType {
    /// The security event a refused connection raises.
    init(_ failure: LinkSecurityFailure) {
        self =
            switch failure {
            case .credentialsRejected: .failedToAuthenticateAtCsms
            case .serverCertificateRejected: .invalidCsmsCertificate
            case .tlsVersionRefused: .invalidTLSVersion
            case .tlsCipherRefused: .invalidTLSCipherSuite
            }
    }
}
