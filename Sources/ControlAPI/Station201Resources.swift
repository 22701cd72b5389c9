import HTTPServer
import OCPP201
import Station201
import Threads

/// The REST resources of an OCPP 2.0.1 charging station, on the same paths as 1.6 so that a script runs
/// against either: the status, the connectors (one per EVSE: connector `n` is EVSE `n`'s) with the hardware
/// side (plug, unplug, meter) and the driver's (start, stop), the transactions (string ids), the device
/// model as `/configuration`, keyed as `VariableAddress.configurationKey` says, and `POST /authorize`.
package struct Station201Resources: StationResources {
    package typealias Perform = @Sendable (Command, @escaping @Sendable (CommandResult) -> Void) -> Void

    private let version: String
    private let evseCount: Int
    private let perform: Perform
    private let events: EventHub
    private let telemetry: Telemetry
    private let latest: LatestStation

    package init(
        version: String, evseCount: Int, events: EventHub, telemetry: Telemetry,
        latest: LatestStation, perform: @escaping Perform
    ) {
        self.version = version
        self.evseCount = evseCount
        self.events = events
        self.telemetry = telemetry
        self.latest = latest
        self.perform = perform
    }

    package func dispatch(_ route: Route, _ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        switch route {
        case .status:
            // While the data folder refuses writes the engine is held: the status as last published (after
            // its commit) answers.
            if latest.storeProblem != nil, let station = latest.station {
                responder.respond(ControlAPI.json(200, StationResource(snapshot: station, version: version)))
            } else {
                run(.station, responder)
            }
        case .connectors:
            run(.connectors, responder)
        case .connector(let id):
            let evseId = try self.evseId(id)
            run(.connectors, responder) { connectors in connectors.first { $0.evseId == evseId } }
        case .configuration:
            run(.variables, responder)
        case .configurationKey(let key):
            guard let address = VariableAddress(configurationKey: key) else {
                throw Problem(
                    404, "configuration-key-not-found", "Not Found",
                    "'\(key)' does not name a variable: write Component.Variable, e.g. OCPPCommCtrlr.HeartbeatInterval, "
                        + "with [instance] after a name and @evse or @evse:connector after the component.")
            }
            if request.method == "PUT" {
                let body = try ControlAPI.decode(ValueBody.self, request.body)
                run(.setVariable(address, value: body.value), responder)
            } else {
                run(.variable(address), responder)
            }
        case .events:
            let version = version
            events.openStream(request, responder) { start in
                perform(.snapshot) { result in
                    guard case .snapshot(let snapshot) = result else { return }
                    start(JSONWriter.encode(Snapshot201Resource(snapshot, version: version)))
                }
            }
        case .authorize:
            let body = try ControlAPI.decode(Authorize201Body.self, request.body)
            run(.authorize(body.idToken), responder)
        case .connectorAction("0", .availability):
            // Connector 0 is the whole station, as under 1.6.
            let body = try ControlAPI.decode(AvailabilityBody.self, request.body)
            run(.changeAvailability(evseId: nil, body.type == .operative ? .operative : .inoperative), responder)
        case .connectorAction(let id, let action):
            // Connector 0 is the whole station for the smart-charging views, as under 1.6.
            let evseId = action == .compositeSchedule || action == .externalLimit ? try stationOrEVSE(id) : try self.evseId(id)
            switch action {
            case .start:
                let body = try ControlAPI.decode(Start201Body.self, request.body)
                run(.start(evseId: evseId, body.idToken, plugIn: body.plugIn ?? true), responder)
            case .stop:
                let body = try ControlAPI.decode(Stop201Body.self, request.body)
                run(.stop(evseId: evseId, reason: body.reason ?? .local), responder)
            case .plug:
                run(.plug(evseId: evseId), responder)
            case .unplug:
                run(.unplug(evseId: evseId), responder)
            case .meter:
                let body = try ControlAPI.decode(MeterBody.self, request.body)
                try body.validate()
                run(.setMeter(evseId: evseId, energyWh: body.energyWh, powerW: body.powerW), responder)
            case .fault:
                let body = try ControlAPI.decode(FaultBody.self, request.body)
                run(.fault(evseId: evseId, body.errorCode == .noError ? nil : body.errorCode.rawValue), responder)
            case .availability:
                let body = try ControlAPI.decode(AvailabilityBody.self, request.body)
                run(.changeAvailability(evseId: evseId, body.type == .operative ? .operative : .inoperative), responder)
            case .unlock:
                run(.unlock(evseId: evseId), responder)
            case .compositeSchedule:
                let duration = try ControlAPI.integer(request.query["duration"], name: "duration", in: 1...86_400, default: 3600)
                let unit = try Self.unit(request.query["unit"])
                run(.compositeSchedule(evseId: evseId, duration: duration, unit: unit), responder)
            case .externalLimit:
                if request.method == "DELETE" {
                    run(.setExternalLimit(evseId: evseId, limitW: nil), responder)
                } else {
                    let body = try ControlAPI.decode(ExternalLimitBody.self, request.body)
                    try body.validate()
                    run(.setExternalLimit(evseId: evseId, limitW: body.limitW), responder)
                }
            }
        case .transactions:
            run(.transactions(limit: try ControlAPI.limit(request.query["limit"])), responder)
        case .transaction(let id):
            run(.transaction(id: id), responder)
        case .metrics:
            let telemetry = telemetry
            perform(.snapshot) { result in
                guard case .snapshot(let snapshot) = result else { return }
                responder.respond(telemetry.scrape(Telemetry.Reading(snapshot)))
            }
        case .reset:
            let body = try ControlAPI.decode(Reset201Body.self, request.body)
            run(.reset(try body.resetType), responder)
        case .trigger:
            let body = try ControlAPI.decode(Trigger201Body.self, request.body)
            run(.trigger(body.message, evseId: body.connectorId), responder)
        case .localList:
            run(.localList, responder)
        case .display:
            run(.display, responder)
        case .monitoring:
            run(.monitoring, responder)
        case .reservations:
            run(.reservations, responder)
        case .securityEvents:
            if request.method == "POST" {
                let body = try ControlAPI.decode(SecurityEventBody.self, request.body)
                // The hardware events the API takes are spelt alike in 1.6 and 2.0.1.
                let type = SecurityEventType(rawValue: body.type.rawValue)!
                run(.reportSecurityEvent(type, techInfo: body.techInfo?.value), responder)
            } else {
                run(.securityEvents, responder)
            }
        case .chargingProfiles:
            run(.chargingProfiles, responder)
        case .firmware:
            run(.fileTransfers, responder)
        case .health, .readiness, .contract, .messages:
            // ControlAPI answers these itself and never hands them over.
            throw .notFound(request.path)
        }
    }

    package func station() -> StationResource? {
        latest.station.map { snapshot in
            var station = StationResource(snapshot: snapshot, version: version)
            station.connectorStatuses = latest.connectorStatuses
            return station
        }
    }

    package func readiness() -> Problem? {
        if let storeProblem = latest.storeProblem {
            return .notReady("The data folder does not take writes: \(storeProblem).")
        }
        return .notReady(station: latest.station.map { ($0.link, $0.registration?.rawValue) })
    }

    private func evseId(_ segment: String) throws(Problem) -> Int {
        guard let id = Int(segment), (1...evseCount).contains(id) else {
            throw Problem(404, "connector-not-found", "Not Found", "There is no connector '\(segment)': connectors are numbered 1 to \(evseCount), one per EVSE.")
        }
        return id
    }

    private func stationOrEVSE(_ segment: String) throws(Problem) -> Int {
        segment == "0" ? 0 : try evseId(segment)
    }

    private static func unit(_ text: String?) throws(Problem) -> ChargingRateUnit {
        guard let text else { return .watts }
        guard let unit = ChargingRateUnit(rawValue: text) else {
            throw .invalidParameter("unit must be W or A, not '\(text)'.")
        }
        return unit
    }

    private func run(
        _ command: Command, _ responder: HTTPResponder,
        connector pick: (@Sendable ([ConnectorSnapshot]) -> ConnectorSnapshot?)? = nil
    ) {
        let version = version
        perform(command) { result in
            switch result {
            case .fileTransfers(let snapshot):
                responder.respond(ControlAPI.json(200, FileTransfers201Resource(snapshot)))
            case .station(let snapshot):
                responder.respond(ControlAPI.json(200, StationResource(snapshot: snapshot, version: version)))
            case .connectors(let snapshots):
                if let pick {
                    responder.respond(
                        pick(snapshots).map { ControlAPI.json(200, Connector201Resource($0)) }
                            ?? ControlAPI.problem(Problem(404, "connector-not-found", "Not Found", "There is no such connector.")))
                } else {
                    responder.respond(ControlAPI.json(200, Connector201List(connectors: snapshots.map(Connector201Resource.init))))
                }
            case .variables(let variables):
                responder.respond(ControlAPI.json(200, Variable201List(configuration: variables.map(Variable201Resource.init))))
            case .variable(let variable):
                responder.respond(ControlAPI.json(200, Variable201Resource(variable)))
            case .variableSet(let variable, let rebootRequired):
                var resource = Variable201Resource(variable)
                resource.status = rebootRequired ? "RebootRequired" : "Accepted"
                responder.respond(ControlAPI.json(200, resource))
            case .snapshot(let snapshot):
                responder.respond(ControlAPI.json(200, Snapshot201Resource(snapshot, version: version)))
            case .authorization(let answer):
                responder.respond(ControlAPI.json(200, Authorization201Resource(answer)))
            case .connector(let snapshot):
                // A start whose transaction waits for more (the cable, energy) is accepted, not yet created.
                let status = if case .start = command { 202 } else { 200 }
                responder.respond(ControlAPI.json(status, Connector201Resource(snapshot)))
            case .transactionStarted(let snapshot, let confirmed):
                responder.respond(ControlAPI.json(confirmed ? 201 : 202, Transaction201Resource(snapshot)))
            case .transaction(let snapshot):
                responder.respond(ControlAPI.json(200, Transaction201Resource(snapshot)))
            case .transactions(let snapshots):
                responder.respond(ControlAPI.json(200, Transaction201List(transactions: snapshots.map(Transaction201Resource.init))))
            case .status(let status):
                // A reset happens after the answer, as under 1.6: accepted, not done.
                let code = if case .reset = command { 202 } else { 200 }
                responder.respond(ControlAPI.json(code, StatusResource(status: status)))
            case .localList(let list):
                responder.respond(ControlAPI.json(200, LocalList201Resource(list)))
            case .display(let display):
                responder.respond(ControlAPI.json(200, Display201Resource(display)))
            case .monitoring(let monitoring):
                responder.respond(ControlAPI.json(200, MonitoringResource(monitoring)))
            case .reservations(let reservations):
                responder.respond(ControlAPI.json(200, Reservation201List(reservations: reservations.map(Reservation201Resource.init))))
            case .securityEvents(let entries):
                responder.respond(ControlAPI.json(200, SecurityEventList(events: entries.map(SecurityEventResource.init))))
            case .securityEvent(let entry):
                responder.respond(ControlAPI.json(201, SecurityEventResource(entry)))
            case .chargingProfiles(let installed):
                responder.respond(ControlAPI.json(200, ChargingProfile201List(installed)))
            case .compositeSchedule(let schedule):
                responder.respond(ControlAPI.json(200, CompositeSchedule201Resource(schedule)))
            case .externalLimit(let evseId, let limitW):
                responder.respond(ControlAPI.json(200, ExternalLimitBody.Resource(connectorId: evseId, limitW: limitW)))
            case .failed(let failure):
                responder.respond(ControlAPI.problem(failure.problem))
            }
        }
    }
}

/// The station's registration and link as last published, for readiness checks on the HTTP threads.
///
/// `@unchecked Sendable`: `snapshot` and `problem` are guarded by `lock`.
package final class LatestStation: @unchecked Sendable {
    private let lock = Lock()
    private var snapshot: StationSnapshot?
    private var statuses: [Int: String] = [:]
    private var problem: String?

    package init() {}

    package var station: StationSnapshot? {
        get { lock.withLock { snapshot } }
        set { lock.withLock { snapshot = newValue } }
    }

    /// Each connector's status as last published, in EVSE order.
    var connectorStatuses: [String] {
        lock.withLock { statuses.sorted { $0.key < $1.key }.map(\.value) }
    }

    package func connectorChanged(_ connector: ConnectorSnapshot) {
        lock.withLock { statuses[connector.evseId] = connector.status.rawValue }
    }

    /// Why the data folder refuses writes, while it does.
    package var storeProblem: String? {
        get { lock.withLock { problem } }
        set { lock.withLock { problem = newValue } }
    }
}

extension Station201.CommandFailure {
    var problem: Problem {
        switch self {
        case .unknownComponent(let component):
            Problem(404, "configuration-key-not-found", "Not Found", "This station has no component \(component.name)\(component.evseId.map { " on EVSE \($0)" } ?? ""); GET /api/v1/configuration lists its variables.")
        case .unknownVariable(let address):
            Problem(404, "configuration-key-not-found", "Not Found", "\(address.configurationKey) is not a variable of this station; GET /api/v1/configuration lists them.")
        case .refused(let address, .readOnly):
            Problem(409, "configuration-read-only", "Conflict", "\(address.configurationKey) is read-only; it cannot be changed.")
        case .refused(let address, let refusal):
            Problem(422, "configuration-invalid-value", "Unprocessable Content", "\(address.configurationKey) cannot take that value: expected \(refusal).", extensions: ["reasonCode": refusal.reasonCode])
        case .offline:
            .csmsOffline
        case .notRegistered(let status):
            .notRegistered(status?.rawValue)
        case .centralSystemError(let code, let description):
            .csmsError(code: code, description: description)
        case .centralSystemTimeout:
            .csmsTimeout
        case .restarted:
            .restarted
        case .unknownEVSE(let id):
            Problem(404, "connector-not-found", "Not Found", "There is no connector \(id).")
        case .unknownTransaction(let id):
            Problem(404, "transaction-not-found", "Not Found", "There is no transaction '\(id)' among the ongoing and recent ones.")
        case .evseBusy(let id, let status):
            Problem(409, "connector-busy", "Conflict", "Connector \(id) is \(status.rawValue) and already has a session: stop it first or use another connector.", extensions: ["connectorStatus": status.rawValue])
        case .evseUnavailable(let id, let status):
            Problem(409, "connector-inoperative", "Conflict", "Connector \(id) is Inoperative (ChangeAvailability) and takes no new session; it is \(status.rawValue).", extensions: ["connectorStatus": status.rawValue])
        case .evseReserved(let id):
            Problem(409, "connector-reserved", "Conflict", "Connector \(id) is reserved for another idToken or group; use another connector or the reserved token.")
        case .noTransaction(let id):
            Problem(409, "no-transaction", "Conflict", "No transaction runs on connector \(id).")
        case .tokenRefused(let status):
            Problem(403, "tag-refused", "Forbidden", "The idToken was refused: \(status.rawValue).", extensions: ["authorizationStatus": status.rawValue])
        case .unknownTokenOffline:
            Problem(409, "offline-start-not-allowed", "Conflict", "The central system is out of reach and neither the local list nor the authorization cache may accept this idToken (LocalAuthorizeOffline).")
        case .storageUnavailable(let reason):
            .storageUnavailable(reason, reads: "GET /api/v1/status and /readyz")
        case .meterWouldDecrease(let current, let requested):
            Problem(422, "meter-decrease", "Unprocessable Content", "energyWh \(decimalText(requested)) is below the register's \(decimalText(current)) Wh: an energy register never decreases.")
        case .externalControlDisabled:
            Problem(409, "external-control-disabled", "Conflict", "SmartChargingCtrlr.ExternalControlSignalsEnabled is false: the station takes no external limit.")
        }
    }
}

extension StationResource {
    /// The URL is the network profile's in use, which SetNetworkProfile may have changed.
    init(snapshot: StationSnapshot, version: String) {
        identity = snapshot.identity
        csmsURL = snapshot.csmsURL
        ocppVersion = .v201
        link = snapshot.link
        registration = snapshot.registration?.rawValue
        heartbeatInterval = snapshot.heartbeatInterval
        uptime = snapshot.uptime
        self.version = version
        firmwareVersion = snapshot.firmwareVersion
        // Every EVSE has one connector.
        connectorCount = snapshot.evseCount
        evseCount = snapshot.evseCount
        queuedMessages = snapshot.queuedMessages
    }
}

/// 1.6's connector resource where it fits (`id`, `status`, `plugged`, `energyWh`, `powerW`, `transaction`),
/// with `evseId` and `connectorId`; absent values appear as null.
struct Connector201Resource: Encodable {
    var snapshot: ConnectorSnapshot

    init(_ snapshot: ConnectorSnapshot) {
        self.snapshot = snapshot
    }

    enum CodingKeys: String, CodingKey {
        case id, evseId, connectorId, status, errorCode, plugged, energyWh, powerW, limitW, transaction
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // The connector's number in the API is its EVSE's, since every EVSE has one connector.
        try container.encode(snapshot.evseId, forKey: .id)
        try container.encode(snapshot.evseId, forKey: .evseId)
        try container.encode(snapshot.connectorId, forKey: .connectorId)
        try container.encode(snapshot.status.rawValue, forKey: .status)
        // 1.6's field: the fault the hardware side reported, NoError without one.
        try container.encode(snapshot.fault ?? "NoError", forKey: .errorCode)
        try container.encode(snapshot.plugged, forKey: .plugged)
        try container.encode(wholeUnits(snapshot.energyWh), forKey: .energyWh)
        try container.encode(wholeUnits(snapshot.powerW), forKey: .powerW)
        try container.encode(snapshot.limitW.map(wholeUnits), forKey: .limitW)
        try container.encode(snapshot.transaction.map(Transaction201Resource.init), forKey: .transaction)
    }
}

/// A 2.0.1 transaction with 1.6's field names where they mean the same (`transactionId` is a string here),
/// and what 2.0.1 adds: `evseId`, `chargingState`, `remoteStartId`, the token's `type` and `status`.
struct Transaction201Resource: Encodable {
    var snapshot: TransactionSnapshot

    init(_ snapshot: TransactionSnapshot) {
        self.snapshot = snapshot
    }

    enum CodingKeys: String, CodingKey {
        case transactionId, evseId, connectorId, idTag, idTokenType, tokenStatus, startedAt, meterStartWh, stoppedAt
        case meterStopWh, stopReason, chargingState, remoteStartId, seqNo, energyWh, pendingDelivery
        case totalCost, currency, personalMessage
    }

    func encode(to encoder: any Encoder) throws {
        let record = snapshot.record
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .transactionId)
        try container.encode(record.evseId, forKey: .evseId)
        try container.encode(record.evseId, forKey: .connectorId)
        try container.encode(record.idToken?.idToken.value, forKey: .idTag)
        try container.encode(record.idToken?.type.rawValue, forKey: .idTokenType)
        try container.encode(record.tokenStatus?.rawValue, forKey: .tokenStatus)
        try container.encode(record.startedAt, forKey: .startedAt)
        try container.encode(wholeUnits(record.meterStartWh), forKey: .meterStartWh)
        try container.encode(record.ended?.at, forKey: .stoppedAt)
        try container.encode(record.ended.map { wholeUnits($0.meterStopWh) }, forKey: .meterStopWh)
        try container.encode(record.ended?.reason.rawValue, forKey: .stopReason)
        try container.encode(record.chargingState.rawValue, forKey: .chargingState)
        try container.encode(record.remoteStartId, forKey: .remoteStartId)
        // The seqNo of the last event sent for it.
        try container.encode(record.nextSeqNo - 1, forKey: .seqNo)
        try container.encode(wholeUnits(snapshot.energyWh), forKey: .energyWh)
        try container.encode(snapshot.pendingDelivery, forKey: .pendingDelivery)
        try container.encode(snapshot.shownCost, forKey: .totalCost)
        try container.encode(snapshot.currency, forKey: .currency)
        try container.encode(snapshot.shownMessage, forKey: .personalMessage)
    }
}

struct Transaction201List: Encodable {
    var transactions: [Transaction201Resource]
}

/// `POST /reset`'s body under 2.0.1: Immediate or OnIdle, or 1.6's Hard and Soft, which mean the same here.
struct Reset201Body: Decodable {
    var type: String

    var resetType: ResetEnumType {
        get throws(Problem) {
            switch type {
            case "Immediate", "Hard": return .immediate
            case "OnIdle", "Soft": return .onIdle
            default: throw .invalidParameter("type must be Immediate or OnIdle (1.6's Hard or Soft), not '\(type)'.")
            }
        }
    }
}

/// `POST /trigger`'s body under 2.0.1: a 2.0.1 MessageTrigger, and the connector (its EVSE) where it matters;
/// one that is not a connector is answered Rejected, as the CSMS would be.
struct Trigger201Body: Decodable {
    var message: MessageTrigger
    var connectorId: Int?
}

/// The local list as SendLocalList left it, 1.6's shape with 2.0.1's token fields.
struct LocalList201Resource: Encodable {
    struct Entry: Encodable {
        var idTag: String
        var type: String
        var status: String
        var cacheExpiryDateTime: Timestamp?
        var groupIdToken: String?
    }

    var version: Int
    var entries: [Entry]

    init(_ list: LocalAuthorizationList) {
        version = list.version
        entries = list.entries.compactMap { data in
            data.idTokenInfo.map { info in
                Entry(
                    idTag: data.idToken.idToken.value, type: data.idToken.type.rawValue, status: info.status.rawValue,
                    cacheExpiryDateTime: info.cacheExpiryDateTime, groupIdToken: info.groupIdToken?.idToken.value)
            }
        }
    }
}

/// A reservation under 2.0.1, with 1.6's names where they mean the same: `connectorId` is the reserved
/// connector (its EVSE's number, as everywhere in this API), 0 for any; `idTag` and `groupIdToken` are the
/// token values (`parentIdTag`'s place), `type` the token's type, `connectorType` the plug asked for.
struct Reservation201Resource: Encodable {
    var reservationId: Int
    var connectorId: Int
    var evseId: Int?
    var connectorType: String?
    var idTag: String
    var type: String
    var groupIdToken: String?
    var expiryDate: Timestamp

    init(_ reservation: Reservation) {
        reservationId = reservation.id
        connectorId = reservation.evseId ?? 0
        evseId = reservation.evseId
        connectorType = reservation.connectorType?.rawValue
        idTag = reservation.idToken.idToken.value
        type = reservation.idToken.type.rawValue
        groupIdToken = reservation.groupIdToken?.idToken.value
        expiryDate = reservation.expiryDateTime
    }
}

/// `GET /api/v1/monitors`: the variable monitors the CSMS set, each variable named as `/configuration` keys it.
struct MonitoringResource: Encodable {
    struct Monitor: Encodable {
        var id: Int
        var variable: String
        var type: String
        var value: Double
        var severity: Int
        var transaction: Bool
    }

    var enabled: Bool
    var monitoringBase: String
    var monitoringLevel: Int
    var offlineQueuingSeverity: Int
    var monitors: [Monitor]

    init(_ snapshot: MonitoringSnapshot) {
        enabled = snapshot.enabled
        monitoringBase = snapshot.base.rawValue
        monitoringLevel = snapshot.level
        offlineQueuingSeverity = snapshot.offlineQueuingSeverity
        monitors = snapshot.monitors.map {
            Monitor(
                id: $0.id, variable: $0.address.configurationKey, type: $0.type.rawValue, value: $0.value,
                severity: $0.severity, transaction: $0.transaction)
        }
    }
}

struct Reservation201List: Encodable {
    var reservations: [Reservation201Resource]
}

/// `POST …/start`'s body under 2.0.1: the token, and whether the EV is plugged in first (true when absent,
/// as under 1.6; false presents the token before the cable, authorization first).
struct Start201Body: Decodable {
    var idTag: CiString<36>
    var type: IdTokenEnumType?
    var plugIn: Bool?

    var idToken: IdToken { IdToken(idToken: idTag, type: type ?? .iso14443) }
}

/// `POST …/stop`'s body under 2.0.1: the stoppedReason (Local when absent).
struct Stop201Body: Decodable {
    var reason: Reason?
}

struct Connector201List: Encodable {
    var connectors: [Connector201Resource]
}

/// One device-model variable; `readonly` and `value` mean what they mean under 1.6, the rest is 2.0.1's
/// description of the variable.
struct Variable201Resource: Encodable {
    var variable: VariableSnapshot
    /// A write's answer: Accepted, or RebootRequired when it applies after the next boot.
    var status: String?

    init(_ variable: VariableSnapshot) {
        self.variable = variable
    }

    enum CodingKeys: String, CodingKey {
        case key, value, readonly, status, component, variable, mutability, dataType, unit, minLimit, maxLimit, valuesList
    }

    enum ComponentKeys: String, CodingKey { case name, instance, evseId, connectorId }

    enum VariableKeys: String, CodingKey { case name, instance }

    func encode(to encoder: any Encoder) throws {
        let descriptor = variable.descriptor
        let address = descriptor.address
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address.configurationKey, forKey: .key)
        try container.encode(variable.value, forKey: .value)
        try container.encode(descriptor.mutability == .readOnly, forKey: .readonly)
        try container.encodeIfPresent(status, forKey: .status)
        var component = container.nestedContainer(keyedBy: ComponentKeys.self, forKey: .component)
        try component.encode(address.component.name, forKey: .name)
        try component.encodeIfPresent(address.component.instance, forKey: .instance)
        try component.encodeIfPresent(address.component.evseId, forKey: .evseId)
        try component.encodeIfPresent(address.component.connectorId, forKey: .connectorId)
        var variableContainer = container.nestedContainer(keyedBy: VariableKeys.self, forKey: .variable)
        try variableContainer.encode(address.name, forKey: .name)
        try variableContainer.encodeIfPresent(address.instance, forKey: .instance)
        try container.encode(descriptor.mutability.rawValue, forKey: .mutability)
        try container.encode(descriptor.type.dataType.rawValue, forKey: .dataType)
        try container.encodeIfPresent(descriptor.unit, forKey: .unit)
        let characteristics = descriptor.characteristics
        try container.encodeIfPresent(characteristics.minLimit, forKey: .minLimit)
        try container.encodeIfPresent(characteristics.maxLimit, forKey: .maxLimit)
        try container.encodeIfPresent(characteristics.valuesList?.value, forKey: .valuesList)
    }
}

/// `POST /authorize`'s body: the 1.6 `idTag`, with the 2.0.1 token type (ISO14443, an RFID card, when absent).
struct Authorize201Body: Decodable {
    var idTag: CiString<36>
    var type: IdTokenEnumType?

    var idToken: IdToken { IdToken(idToken: idTag, type: type ?? .iso14443) }
}

/// The 1.6 answer's shape where it fits: `idTag`, `status`, `source`; `cacheExpiryDateTime` and
/// `groupIdToken` take the places of `expiryDate` and `parentIdTag`, and `type` says what the token is.
struct Authorization201Resource: Encodable {
    var idTag: String
    var type: String
    var status: String
    var cacheExpiryDateTime: Timestamp?
    var groupIdToken: String?
    /// centralSystem, localList or cache.
    var source: String

    init(_ answer: AuthorizationAnswer) {
        idTag = answer.idToken.idToken.value
        type = answer.idToken.type.rawValue
        status = answer.info.status.rawValue
        cacheExpiryDateTime = answer.info.cacheExpiryDateTime
        groupIdToken = answer.info.groupIdToken?.idToken.value
        source = answer.source.rawValue
    }
}

struct Variable201List: Encodable {
    var configuration: [Variable201Resource]
}

extension SecurityEventResource {
    /// A 2.0.1 security log entry in the shape the 1.6 station lists its events.
    init(_ entry: SecurityLogEntry) {
        type = entry.type.rawValue
        timestamp = entry.timestamp
        techInfo = entry.techInfo
        critical = entry.type.isCritical
    }
}

/// `GET /firmware` under 2.0.1: the 1.6 resource's shape, `diagnostics` standing for GetLog's upload (its
/// successor), each with the request it is about.
struct FileTransfers201Resource: Encodable {
    struct Firmware: Encodable {
        var status: FirmwareStatus
        var location: String?
        var requestId: Int?
    }

    struct Diagnostics: Encodable {
        var status: UploadLogStatus
        var fileName: String?
        var requestId: Int?
    }

    var firmware: Firmware
    var diagnostics: Diagnostics

    init(_ snapshot: FileTransfersSnapshot) {
        firmware = Firmware(
            status: snapshot.firmwareStatus, location: snapshot.firmwareLocation, requestId: snapshot.firmwareRequestId)
        diagnostics = Diagnostics(status: snapshot.logStatus, fileName: snapshot.logFileName, requestId: snapshot.logRequestId)
    }
}
