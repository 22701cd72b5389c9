import ChargePoint
import HTTPServer
import OCPP16
import Threads

/// The REST API v1 (openapi.yaml): turns HTTP requests into engine commands and command results into
/// JSON answers. It keeps no state of its own: answers come from the engine's serial owner, or for plain
/// reads from the snapshot that owner last published (the read model).
public final class ControlAPI: Sendable {
    public typealias Perform = @Sendable (Command, @escaping @Sendable (CommandResult) -> Void) -> Void

    private let csmsURL: String
    private let version: String
    private let connectorCount: Int
    private let perform: Perform
    private let events: EventHub
    private let telemetry: Telemetry
    private let page: StaticFiles
    private let access: APIAccess
    private let readModel: ReadModel

    public init(
        csmsURL: String, version: String, connectorCount: Int, events: EventHub, telemetry: Telemetry,
        page: StaticFiles, access: APIAccess = APIAccess(token: nil), readModel: ReadModel = ReadModel(),
        perform: @escaping Perform
    ) {
        self.readModel = readModel
        self.csmsURL = csmsURL
        self.version = version
        self.connectorCount = connectorCount
        self.events = events
        self.telemetry = telemetry
        self.page = page
        self.access = access
        self.perform = perform
    }

    /// Every request header the API reads; the server copies no other (`HTTPServerConfiguration.requestHeaders`).
    public static let requestHeaders = ["host", "origin", "authorization", "last-event-id"]

    public func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let route = try? Route(path: request.path)
        let started = monotonicUptime()
        let telemetry = telemetry
        let measured = HTTPResponder { answer in
            let status: Int
            switch answer {
            case .response(let response):
                status = response.status
                responder.respond(response)
            case .stream(let code, let headers, let stream):
                status = code
                responder.respondWithStream(status: code, headers: headers, stream: stream)
            }
            telemetry.recordHTTP(
                route: route?.template ?? "(unmatched)", method: request.method, status: status,
                duration: monotonicUptime() - started)
        }
        serve(request, route: route, measured)
    }

    private func serve(_ request: HTTPRequest, route: Route?, _ responder: HTTPResponder) {
        let file = request.method == "GET" || request.method == "HEAD" ? page.response(for: request.path) : nil
        if let refusal = access.refusal(for: request, route: route, isStaticFile: file != nil) {
            responder.respond(refusal)
            return
        }
        if let file {
            responder.respond(file)
            return
        }
        do {
            let route = try Route(path: request.path)
            let method = request.method == "HEAD" ? "GET" : request.method
            guard route.methods.contains(method) else {
                let allowed = route.methods.joined(separator: ", ")
                var response = Self.problem(
                    Problem(405, "method-not-allowed", "Method Not Allowed", "\(request.path) accepts \(allowed), not \(request.method)."))
                response.headers.append((name: "Allow", value: allowed))
                responder.respond(response)
                return
            }
            try dispatch(route, request, responder)
        } catch {
            responder.respond(Self.problem(error))
        }
    }

    private func dispatch(_ route: Route, _ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        switch route {
        case .health:
            responder.respond(Self.json(200, Health()))
        case .readiness:
            if let problem = readiness() {
                responder.respond(Self.problem(problem))
            } else {
                responder.respond(Self.json(200, Health(status: "ready")))
            }
        case .contract:
            responder.respond(StaticFiles.contract)
        case .status:
            // Not kept: its uptime moves on.
            read(keptAs: nil, responder, or: .station) { [csmsURL, version] snapshot in
                StationResource(snapshot: snapshot.station, csmsURL: csmsURL, version: version)
            }
        case .connectors:
            read(keptAs: "connectors", responder, or: .connectors) { snapshot in
                ConnectorList(connectors: snapshot.connectors.map(ConnectorResource.init))
            }
        case .connector(let id):
            let connector = try connectorId(id)
            read(keptAs: "connector \(connector)", responder, or: .connector(connector)) { snapshot in
                snapshot.connectors.first { $0.id == connector }.map(ConnectorResource.init)
            }
        case .connectorAction(let id, let action):
            let connector = try connectorId(id)
            switch action {
            case .start:
                let body = try Self.decode(IdTagBody.self, request.body)
                run(.start(connector: connector, idTag: body.idTag), responder, created: true)
            case .stop:
                let body = try Self.decode(StopBody.self, request.body)
                run(.stop(connector: connector, reason: body.reason ?? .local), responder)
            case .plug:
                run(.plug(connector: connector), responder)
            case .unplug:
                run(.unplug(connector: connector), responder)
            case .meter:
                let body = try Self.decode(MeterBody.self, request.body)
                try Self.validate(body)
                run(.setMeter(connector: connector, energyWh: body.energyWh, powerW: body.powerW), responder)
            case .fault:
                let body = try Self.decode(FaultBody.self, request.body)
                run(.fault(connector: connector, errorCode: body.errorCode, info: body.info), responder)
            case .availability:
                let body = try Self.decode(AvailabilityBody.self, request.body)
                run(.changeAvailability(connector: connector, body.type), responder)
            case .unlock:
                run(.unlock(connector: connector), responder)
            case .compositeSchedule:
                let duration = try Self.integer(request.query["duration"], name: "duration", in: 1...86_400, default: 3600)
                let unit = try Self.unit(request.query["unit"])
                run(.compositeSchedule(connector: connector, duration: duration, unit: unit), responder)
            }
        case .authorize:
            let body = try Self.decode(IdTagBody.self, request.body)
            run(.authorize(body.idTag), responder)
        case .reset:
            let body = try Self.decode(ResetBody.self, request.body)
            run(.reset(body.type), responder)
        case .localList:
            run(.localList, responder)
        case .reservations:
            run(.reservations, responder)
        case .chargingProfiles:
            run(.chargingProfiles, responder)
        case .firmware:
            run(.fileTransfers, responder)
        case .securityEvents:
            if request.method == "POST" {
                let body = try Self.decode(SecurityEventBody.self, request.body)
                run(.reportSecurityEvent(body.type.type, techInfo: body.techInfo?.value), responder)
            } else {
                run(.securityEvents, responder)
            }
        case .trigger:
            let body = try Self.decode(TriggerBody.self, request.body)
            run(.trigger(body.message, connector: body.connectorId), responder)
        case .transactions:
            run(.transactions(limit: try Self.limit(request.query["limit"])), responder)
        case .transaction(let id):
            guard let localId = Int(id) else {
                throw Problem(404, "transaction-not-found", "Not Found", "'\(id)' is not a transaction id: ids are integers.")
            }
            run(.transaction(localId: localId), responder)
        case .configuration:
            run(.configuration, responder)
        case .configurationKey(let key):
            if request.method == "PUT" {
                let body = try Self.decode(ValueBody.self, request.body)
                run(.changeConfiguration(key: key, value: body.value), responder)
            } else {
                run(.configurationKey(key), responder)
            }
        case .messages:
            let limit = try Self.limit(request.query["limit"], default: 200)
            responder.respond(Self.json(200, FrameList(messages: events.recentFrames(limit: limit))))
        case .events:
            subscribe(request, responder)
        case .metrics:
            let telemetry = telemetry
            perform(.snapshot) { result in
                guard case .snapshot(let snapshot) = result else { return }
                responder.respond(
                    HTTPResponse(
                        status: 200, headers: [(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")],
                        body: telemetry.exposition(station: snapshot.station, connectors: snapshot.connectors)))
            }
        }
    }

    /// Opens an event stream: a client that reconnects with Last-Event-ID gets what it missed from the
    /// backlog; anyone else starts from a snapshot taken by the engine, under the runtime's lock.
    private func subscribe(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let stream = HTTPStream()
        let headers = [
            (name: "Content-Type", value: "text/event-stream"), (name: "Cache-Control", value: "no-cache"),
        ]
        if let lastEventId = request.headers["last-event-id"].flatMap({ Int($0) }), events.resume(stream, after: lastEventId) {
            responder.respondWithStream(status: 200, headers: headers, stream: stream)
            return
        }
        let events = events
        let csmsURL = csmsURL
        let version = version
        perform(.snapshot) { result in
            guard case .snapshot(let snapshot) = result else { return }
            events.subscribe(stream, snapshot: SnapshotResource(snapshot, csmsURL: csmsURL, version: version))
        }
        responder.respondWithStream(status: 200, headers: headers, stream: stream)
    }

    /// Answers a read from the read model when it can; otherwise (before the first snapshot, or for an
    /// unknown connector, whose problem the engine words) asks the engine.
    /// Why the station is not ready to work (nil when it is): a store that takes writes, the CSMS link up and
    /// the registration Accepted, checked in that order.
    private func readiness() -> Problem? {
        let reason: String? = if let storeProblem = readModel.storeProblem {
            "The data folder does not take writes: \(storeProblem)."
        } else if let station = readModel.current()?.station {
            if station.link != .connected {
                "The link to the central system is \(station.link.rawValue)."
            } else if station.registration != .accepted {
                "The central system has not accepted the registration (\(station.registration?.rawValue ?? "no BootNotification answer yet"))."
            } else {
                nil
            }
        } else {
            "The charge point is starting."
        }
        return reason.map { Problem(503, "not-ready", "Service Unavailable", $0) }
    }

    /// Answers from the read model, or from the engine before it has published; `keptAs` names a body that
    /// only a new snapshot can change (nil for one that changes with time).
    private func read<Resource: Encodable & SendableMetatype>(
        keptAs key: String?, _ responder: HTTPResponder, or command: Command, _ resource: (EngineSnapshot) -> Resource?
    ) {
        guard let body = readModel.body(keptAs: key, { snapshot in resource(snapshot).map(JSONWriter.encode) }) else {
            run(command, responder)
            return
        }
        responder.respond(HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "application/json")], body: body))
    }

    /// Hands the command to the engine; the answer is written whenever the engine replies.
    private func run(_ command: Command, _ responder: HTTPResponder, created: Bool = false) {
        let connectorCount = connectorCount
        let csmsURL = csmsURL
        let version = version
        perform(command) { result in
            switch result {
            case .station(let snapshot):
                responder.respond(Self.json(200, StationResource(snapshot: snapshot, csmsURL: csmsURL, version: version)))
            case .connector(let snapshot):
                responder.respond(Self.json(200, ConnectorResource(snapshot: snapshot)))
            case .connectors(let snapshots):
                responder.respond(Self.json(200, ConnectorList(connectors: snapshots.map(ConnectorResource.init))))
            case .transaction(let snapshot):
                // A start answers 201 once the CSMS confirmed it, 202 while StartTransaction waits for delivery.
                let status = created ? (snapshot.record.transactionId == nil ? 202 : 201) : 200
                responder.respond(Self.json(status, TransactionResource(snapshot: snapshot)))
            case .transactions(let snapshots):
                responder.respond(Self.json(200, TransactionList(transactions: snapshots.map(TransactionResource.init))))
            case .securityEvents(let events):
                responder.respond(Self.json(200, SecurityEventList(events: events.map(SecurityEventResource.init))))
            case .securityEvent(let event):
                responder.respond(Self.json(201, SecurityEventResource(event)))
            case .authorization(let idTag, let info, let source):
                let resource = AuthorizationResource(
                    idTag: idTag, status: info.status, expiryDate: info.expiryDate, parentIdTag: info.parentIdTag,
                    source: source.rawValue)
                responder.respond(Self.json(200, resource))
            case .configuration(let entries):
                responder.respond(Self.json(200, ConfigurationList(configuration: entries.map(ConfigurationEntryResource.init))))
            case .configurationEntry(let entry):
                if case .changeConfiguration = command {
                    responder.respond(Self.json(200, ConfigurationChangeResource(key: entry.key, value: entry.value, readonly: entry.readonly)))
                } else {
                    responder.respond(Self.json(200, ConfigurationEntryResource(entry)))
                }
            case .snapshot(let snapshot):
                responder.respond(Self.json(200, SnapshotResource(snapshot, csmsURL: csmsURL, version: version)))
            case .chargingProfiles(let installed):
                let entries = installed.map { ChargingProfileList.Entry(connectorId: $0.connectorId, profile: $0.profile) }
                responder.respond(Self.json(200, ChargingProfileList(profiles: entries)))
            case .compositeSchedule(let connectorId, let start, let schedule):
                responder.respond(Self.json(200, CompositeScheduleResource(connectorId: connectorId, scheduleStart: start, chargingSchedule: schedule)))
            case .fileTransfers(let snapshot):
                responder.respond(Self.json(200, FileTransfersResource(snapshot)))
            case .reservations(let placed):
                responder.respond(Self.json(200, ReservationList(reservations: placed.map(ReservationResource.init))))
            case .localList(let list):
                responder.respond(Self.json(200, LocalListResource(list)))
            case .triggered(let status):
                responder.respond(Self.json(200, StatusResource(status: status.rawValue)))
            case .resetAccepted:
                responder.respond(Self.json(202, StatusResource(status: "Accepted")))
            case .availability(let status):
                responder.respond(Self.json(200, StatusResource(status: status.rawValue)))
            case .unlock(let status):
                responder.respond(Self.json(200, StatusResource(status: status.rawValue)))
            case .failed(let failure):
                responder.respond(Self.problem(failure.problem(connectorCount: connectorCount)))
            }
        }
    }

    private func connectorId(_ segment: String) throws(Problem) -> Int {
        guard let id = Int(segment) else {
            throw Problem(404, "connector-not-found", "Not Found", "'\(segment)' is not a connector: connectors are numbered 1 to \(connectorCount).")
        }
        return id
    }

    // MARK: - Bodies and parameters

    static let maximumEnergyWh = 1e15

    /// An empty body reads as `{}`, so a missing required field is reported as such.
    private static func decode<Body: Decodable>(_ type: Body.Type, _ bytes: [UInt8]) throws(Problem) -> Body {
        let value: JSONValue
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            value = .object([:])
        } else {
            do {
                value = try JSONValue.parse(bytes)
            } catch {
                throw .invalidJSON(error.description)
            }
        }
        do {
            return try StrictJSON.decode(Body.self, from: value)
        } catch {
            throw .invalidBody(error)
        }
    }

    private static func validate(_ body: MeterBody) throws(Problem) {
        guard body.energyWh != nil || body.powerW != nil else {
            throw .invalidParameter("Send energyWh, powerW or both.")
        }
        for (name, value) in [("energyWh", body.energyWh), ("powerW", body.powerW)] {
            if let value, !(0...maximumEnergyWh).contains(value) {
                throw .invalidParameter("\(name) must be from 0 to \(Int(maximumEnergyWh)), not \(value).")
            }
        }
    }

    private static func limit(_ text: String?, default fallback: Int = 50) throws(Problem) -> Int {
        try integer(text, name: "limit", in: 1...1000, default: fallback)
    }

    private static func integer(_ text: String?, name: String, in range: ClosedRange<Int>, default fallback: Int) throws(Problem) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidParameter("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'.")
        }
        return value
    }

    private static func unit(_ text: String?) throws(Problem) -> ChargingRateUnit {
        guard let text else { return .watts }
        guard let unit = ChargingRateUnit(rawValue: text) else {
            throw .invalidParameter("unit must be W or A, not '\(text)'.")
        }
        return unit
    }

    // MARK: - Responses

    static func json(_ status: Int, _ value: some Encodable) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [(name: "Content-Type", value: "application/json")], body: JSONWriter.encode(value))
    }

    static func problem(_ problem: Problem) -> HTTPResponse {
        HTTPResponse(
            status: problem.status, headers: [(name: "Content-Type", value: "application/problem+json")],
            body: JSONWriter.encode(problem))
    }
}

/// The API's resources, parsed from the path alone so that 404 and 405 are told apart.
enum Route: Equatable, Sendable {
    enum ConnectorAction: String {
        case start, stop, plug, unplug, meter, fault, availability, unlock
        case compositeSchedule = "composite-schedule"
    }

    case health
    case readiness
    case contract
    case status
    case connectors
    case connector(String)
    case connectorAction(String, ConnectorAction)
    case authorize
    case transactions
    case transaction(String)
    case configuration
    case configurationKey(String)
    case messages
    case events
    case metrics
    case reset
    case trigger
    case localList
    case reservations
    case chargingProfiles
    case firmware
    case securityEvents

    /// Found by one hash of the path, not by comparing it with each route in turn.
    private static let withoutParameters: [String: Route] = [
        "/healthz": .health, "/readyz": .readiness, "/openapi.yaml": .contract, "/metrics": .metrics,
        "/api/v1/status": .status, "/api/v1/connectors": .connectors, "/api/v1/authorize": .authorize,
        "/api/v1/reset": .reset, "/api/v1/trigger": .trigger, "/api/v1/local-list": .localList,
        "/api/v1/reservations": .reservations, "/api/v1/charging-profiles": .chargingProfiles,
        "/api/v1/firmware": .firmware, "/api/v1/security-events": .securityEvents,
        "/api/v1/transactions": .transactions, "/api/v1/configuration": .configuration,
        "/api/v1/messages": .messages, "/api/v1/events": .events,
    ]

    init(path: String) throws(Problem) {
        // Most requests name a route as it is written: no splitting, decoding or joining for them.
        if let route = Self.withoutParameters[path] {
            self = route
            return
        }
        // Split on bytes and decode only segments with an escape: this runs for every request.
        var segments: [String] = []
        for raw in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let segment = String(decoding: raw, as: UTF8.self)
            guard raw.contains(UInt8(ascii: "%")) else {
                segments.append(segment)
                continue
            }
            guard let decoded = percentDecoded(segment) else { throw .notFound(path) }
            segments.append(decoded)
        }
        if segments.first == "" { segments.removeFirst() }
        if segments.count > 1, segments.last == "" { segments.removeLast() }
        if let route = Self.withoutParameters["/" + segments.joined(separator: "/")] {
            self = route
            return
        }
        guard segments.count >= 4, segments[0] == "api", segments[1] == "v1" else { throw .notFound(path) }
        switch (segments[2], segments.count) {
        case ("connectors", 4):
            self = .connector(segments[3])
        case ("connectors", 5):
            guard let action = ConnectorAction(rawValue: segments[4]) else { throw .notFound(path) }
            self = .connectorAction(segments[3], action)
        case ("transactions", 4):
            self = .transaction(segments[3])
        case ("configuration", 4):
            self = .configurationKey(segments[3])
        default:
            throw .notFound(path)
        }
    }

    var methods: [String] {
        switch self {
        case .health, .readiness, .contract, .status, .connectors, .connector, .transactions, .transaction, .configuration, .messages, .events,
            .metrics, .localList, .reservations, .chargingProfiles, .firmware, .connectorAction(_, .compositeSchedule):
            ["GET"]
        case .securityEvents: ["GET", "POST"]
        case .configurationKey: ["GET", "PUT"]
        case .authorize, .reset, .trigger: ["POST"]
        case .connectorAction(_, .meter): ["PUT"]
        case .connectorAction: ["POST"]
        }
    }
}

extension Route {
    /// The route with its parameters left as placeholders: a metrics label of bounded cardinality.
    var template: String {
        switch self {
        case .health: "/healthz"
        case .readiness: "/readyz"
        case .contract: "/openapi.yaml"
        case .metrics: "/metrics"
        case .status: "/api/v1/status"
        case .connectors: "/api/v1/connectors"
        case .connector: "/api/v1/connectors/{id}"
        case .connectorAction(_, let action): "/api/v1/connectors/{id}/\(action.rawValue)"
        case .authorize: "/api/v1/authorize"
        case .reset: "/api/v1/reset"
        case .trigger: "/api/v1/trigger"
        case .localList: "/api/v1/local-list"
        case .reservations: "/api/v1/reservations"
        case .chargingProfiles: "/api/v1/charging-profiles"
        case .firmware: "/api/v1/firmware"
        case .securityEvents: "/api/v1/security-events"
        case .transactions: "/api/v1/transactions"
        case .transaction: "/api/v1/transactions/{id}"
        case .configuration: "/api/v1/configuration"
        case .configurationKey: "/api/v1/configuration/{key}"
        case .messages: "/api/v1/messages"
        case .events: "/api/v1/events"
        }
    }
}
