import ChargePoint
import HTTPServer
import OCPP16
import Threads

/// The REST resources of an OCPP 1.6 charge point: API routes turned into engine commands, command results
/// into JSON answers. Answers come from the engine under the runtime's lock, or for plain reads from the
/// snapshot it last published (the read model).
package struct ChargePointResources: StationResources {
    package typealias Perform = @Sendable (Command, @escaping @Sendable (CommandResult) -> Void) -> Void

    private let csmsURL: String
    private let version: String
    private let connectorCount: Int
    private let perform: Perform
    private let events: EventHub
    private let telemetry: Telemetry
    private let readModel: ReadModel

    package init(
        csmsURL: String, version: String, connectorCount: Int, events: EventHub, telemetry: Telemetry,
        readModel: ReadModel = ReadModel(), perform: @escaping Perform
    ) {
        self.readModel = readModel
        self.csmsURL = csmsURL
        self.version = version
        self.connectorCount = connectorCount
        self.events = events
        self.telemetry = telemetry
        self.perform = perform
    }

    package func dispatch(_ route: Route, _ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        switch route {
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
                let body = try ControlAPI.decode(IdTagBody.self, request.body)
                run(.start(connector: connector, idTag: body.idTag), responder, created: true)
            case .stop:
                let body = try ControlAPI.decode(StopBody.self, request.body)
                run(.stop(connector: connector, reason: body.reason ?? .local), responder)
            case .plug:
                run(.plug(connector: connector), responder)
            case .unplug:
                run(.unplug(connector: connector), responder)
            case .meter:
                let body = try ControlAPI.decode(MeterBody.self, request.body)
                try body.validate()
                run(.setMeter(connector: connector, energyWh: body.energyWh, powerW: body.powerW), responder)
            case .fault:
                let body = try ControlAPI.decode(FaultBody.self, request.body)
                run(.fault(connector: connector, errorCode: body.errorCode, info: body.info), responder)
            case .availability:
                let body = try ControlAPI.decode(AvailabilityBody.self, request.body)
                run(.changeAvailability(connector: connector, body.type), responder)
            case .unlock:
                run(.unlock(connector: connector), responder)
            case .compositeSchedule:
                let duration = try ControlAPI.integer(request.query["duration"], name: "duration", in: 1...86_400, default: 3600)
                let unit = try Self.unit(request.query["unit"])
                run(.compositeSchedule(connector: connector, duration: duration, unit: unit), responder)
            case .externalLimit:
                throw Problem(
                    501, "only-under-ocpp201", "Not Implemented",
                    "\(route.template) is reported with NotifyChargingLimit, which OCPP 1.6 does not have; use --ocpp 2.0.1.")
            }
        case .authorize:
            let body = try ControlAPI.decode(IdTagBody.self, request.body)
            run(.authorize(body.idTag), responder)
        case .reset:
            let body = try ControlAPI.decode(ResetBody.self, request.body)
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
                let body = try ControlAPI.decode(SecurityEventBody.self, request.body)
                run(.reportSecurityEvent(body.type.type, techInfo: body.techInfo?.value), responder)
            } else {
                run(.securityEvents, responder)
            }
        case .monitoring:
            // OCPP 1.6 has no monitors: its central system cannot set any.
            throw Problem(
                404, "not-available-under-ocpp16", "Not Found",
                "/api/v1/monitors lists the variable monitors of OCPP 2.0.1; a 1.6 charge point has none.")
        case .display:
            // OCPP 1.6 has no display messages: there is nothing a CSMS could have set.
            throw Problem(
                404, "not-available-under-ocpp16", "Not Found",
                "/api/v1/display shows the display messages of OCPP 2.0.1; a 1.6 charge point has none.")
        case .trigger:
            let body = try ControlAPI.decode(TriggerBody.self, request.body)
            run(.trigger(body.message, connector: body.connectorId), responder)
        case .transactions:
            run(.transactions(limit: try ControlAPI.limit(request.query["limit"])), responder)
        case .transaction(let id):
            guard let localId = Int(id) else {
                throw Problem(404, "transaction-not-found", "Not Found", "'\(id)' is not a transaction id: ids are integers.")
            }
            run(.transaction(localId: localId), responder)
        case .configuration:
            run(.configuration, responder)
        case .configurationKey(let key):
            if request.method == "PUT" {
                let body = try ControlAPI.decode(ValueBody.self, request.body)
                run(.changeConfiguration(key: key, value: body.value), responder)
            } else {
                run(.configurationKey(key), responder)
            }
        case .events:
            subscribe(request, responder)
        case .metrics:
            let telemetry = telemetry
            perform(.snapshot) { result in
                guard case .snapshot(let snapshot) = result else { return }
                responder.respond(telemetry.scrape(Telemetry.Reading(snapshot)))
            }
        case .health, .readiness, .contract, .messages:
            // ControlAPI answers these itself and never hands them over.
            throw .notFound(request.path)
        }
    }

    /// Opens an event stream; a new client starts from a snapshot taken by the engine under the runtime's
    /// lock.
    private func subscribe(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let (csmsURL, version) = (csmsURL, version)
        events.openStream(request, responder) { start in
            perform(.snapshot) { result in
                guard case .snapshot(let snapshot) = result else { return }
                start(JSONWriter.encode(SnapshotResource(snapshot, csmsURL: csmsURL, version: version)))
            }
        }
    }

    /// Why the station is not ready to work (nil when it is): a store that takes writes, the CSMS link up and
    /// the registration Accepted, checked in that order.
    package func station() -> StationResource? {
        readModel.current().map { snapshot in
            var station = StationResource(
                snapshot: snapshot.advanced(to: monotonicUptime()).station, csmsURL: csmsURL, version: version)
            station.connectorStatuses = snapshot.connectors.map(\.status.rawValue)
            return station
        }
    }

    package func readiness() -> Problem? {
        if let storeProblem = readModel.storeProblem {
            return .notReady("The data folder does not take writes: \(storeProblem).")
        }
        return .notReady(station: readModel.current().map { ($0.station.link, $0.station.registration?.rawValue) })
    }

    /// Answers a read from the read model when it can; otherwise (before the first snapshot, or for an
    /// unknown connector, whose problem the engine words) asks the engine. `keptAs` names a body that only a
    /// new snapshot can change (nil for one that changes with time).
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
                responder.respond(ControlAPI.json(200, StationResource(snapshot: snapshot, csmsURL: csmsURL, version: version)))
            case .connector(let snapshot):
                responder.respond(ControlAPI.json(200, ConnectorResource(snapshot: snapshot)))
            case .connectors(let snapshots):
                responder.respond(ControlAPI.json(200, ConnectorList(connectors: snapshots.map(ConnectorResource.init))))
            case .transaction(let snapshot):
                // A start answers 201 once the CSMS confirmed it, 202 while StartTransaction waits for delivery.
                let status = created ? (snapshot.record.transactionId == nil ? 202 : 201) : 200
                responder.respond(ControlAPI.json(status, TransactionResource(snapshot: snapshot)))
            case .transactions(let snapshots):
                responder.respond(ControlAPI.json(200, TransactionList(transactions: snapshots.map(TransactionResource.init))))
            case .securityEvents(let events):
                responder.respond(ControlAPI.json(200, SecurityEventList(events: events.map(SecurityEventResource.init))))
            case .securityEvent(let event):
                responder.respond(ControlAPI.json(201, SecurityEventResource(event)))
            case .authorization(let idTag, let info, let source):
                let resource = AuthorizationResource(
                    idTag: idTag, status: info.status, expiryDate: info.expiryDate, parentIdTag: info.parentIdTag,
                    source: source.rawValue)
                responder.respond(ControlAPI.json(200, resource))
            case .configuration(let entries):
                responder.respond(ControlAPI.json(200, ConfigurationList(configuration: entries.map(ConfigurationEntryResource.init))))
            case .configurationEntry(let entry):
                if case .changeConfiguration = command {
                    responder.respond(ControlAPI.json(200, ConfigurationChangeResource(key: entry.key, value: entry.value, readonly: entry.readonly)))
                } else {
                    responder.respond(ControlAPI.json(200, ConfigurationEntryResource(entry)))
                }
            case .snapshot(let snapshot):
                responder.respond(ControlAPI.json(200, SnapshotResource(snapshot, csmsURL: csmsURL, version: version)))
            case .chargingProfiles(let installed):
                let entries = installed.map { ChargingProfileList.Entry(connectorId: $0.connectorId, profile: $0.profile) }
                responder.respond(ControlAPI.json(200, ChargingProfileList(profiles: entries)))
            case .compositeSchedule(let connectorId, let start, let schedule):
                responder.respond(ControlAPI.json(200, CompositeScheduleResource(connectorId: connectorId, scheduleStart: start, chargingSchedule: schedule)))
            case .fileTransfers(let snapshot):
                responder.respond(ControlAPI.json(200, FileTransfersResource(snapshot)))
            case .reservations(let placed):
                responder.respond(ControlAPI.json(200, ReservationList(reservations: placed.map(ReservationResource.init))))
            case .localList(let list):
                responder.respond(ControlAPI.json(200, LocalListResource(list)))
            case .triggered(let status):
                responder.respond(ControlAPI.json(200, StatusResource(status: status.rawValue)))
            case .resetAccepted:
                responder.respond(ControlAPI.json(202, StatusResource(status: "Accepted")))
            case .availability(let status):
                responder.respond(ControlAPI.json(200, StatusResource(status: status.rawValue)))
            case .unlock(let status):
                responder.respond(ControlAPI.json(200, StatusResource(status: status.rawValue)))
            case .failed(let failure):
                responder.respond(ControlAPI.problem(failure.problem(connectorCount: connectorCount)))
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

    private static func unit(_ text: String?) throws(Problem) -> ChargingRateUnit {
        guard let text else { return .watts }
        guard let unit = ChargingRateUnit(rawValue: text) else {
            throw .invalidParameter("unit must be W or A, not '\(text)'.")
        }
        return unit
    }
}
