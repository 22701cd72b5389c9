import ChargePoint
import EngineSupport
import SmartCharging
import OCPP16

/// The REST representations (openapi.yaml). The charge point's own resources (status, connectors,
/// transactions) are written by hand so that absent values appear as `null`: a script reading
/// `.transaction` or `.transactionId` finds the field either way. Resources that mirror OCPP structures
/// (local list, reservations, charging profiles, firmware) leave absent values out, as OCPP does.

/// The station as a whole, whichever protocol it speaks (`ocppVersion`); 2.0.1 adds `evseCount`.
package struct StationResource: Encodable {
    var identity: String
    var csmsURL: String
    var ocppVersion: OCPPVersion
    var link: LinkState
    var registration: String?
    var heartbeatInterval: Int
    var uptime: Duration
    var version: String
    var firmwareVersion: String?
    var connectorCount: Int
    var queuedMessages: Int?
    var evseCount: Int?
    /// Each connector's status as the station's `GET /api/v1/connectors` spells it: what a fleet's list
    /// filters on (`status=`). Not shown by `/api/v1/status`, which has the connectors' count only.
    var connectorStatuses: [String] = []

    init(snapshot: StationSnapshot, csmsURL: String, version: String) {
        identity = snapshot.identity
        self.csmsURL = csmsURL
        ocppVersion = .v16
        link = snapshot.link
        registration = snapshot.registration?.rawValue
        heartbeatInterval = snapshot.heartbeatInterval
        uptime = snapshot.uptime
        self.version = version
        firmwareVersion = snapshot.firmwareVersion
        connectorCount = snapshot.connectorCount
        queuedMessages = snapshot.queuedMessages
    }

    enum CodingKeys: String, CodingKey {
        case identity, csmsUrl, ocppVersion, link, registration, heartbeatInterval, uptimeSeconds, version
        case firmwareVersion, connectorCount, queuedMessages, evseCount, serverTime
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(identity, forKey: .identity)
        try container.encode(csmsURL, forKey: .csmsUrl)
        try container.encode(ocppVersion.rawValue, forKey: .ocppVersion)
        try container.encode(link.rawValue, forKey: .link)
        try container.encode(registration ?? "Unknown", forKey: .registration)
        try container.encode(heartbeatInterval, forKey: .heartbeatInterval)
        try container.encode(uptime.components.seconds, forKey: .uptimeSeconds)
        try container.encode(version, forKey: .version)
        try container.encode(firmwareVersion, forKey: .firmwareVersion)
        try container.encode(connectorCount, forKey: .connectorCount)
        try container.encodeIfPresent(queuedMessages, forKey: .queuedMessages)
        try container.encodeIfPresent(evseCount, forKey: .evseCount)
        // Lets a page compute durations with the service's clock rather than the browser's.
        try container.encode(Timestamp.now, forKey: .serverTime)
    }
}

struct ConnectorResource: Encodable {
    var snapshot: ConnectorSnapshot

    enum CodingKeys: String, CodingKey {
        case id, status, errorCode, plugged, energyWh, powerW, limitW, transaction
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot.id, forKey: .id)
        try container.encode(snapshot.status, forKey: .status)
        try container.encode(snapshot.errorCode, forKey: .errorCode)
        try container.encode(snapshot.plugged, forKey: .plugged)
        try container.encode(wholeUnits(snapshot.energyWh), forKey: .energyWh)
        try container.encode(wholeUnits(snapshot.powerW), forKey: .powerW)
        try container.encode(snapshot.limitW.map(wholeUnits), forKey: .limitW)
        try container.encode(snapshot.transaction.map(TransactionResource.init), forKey: .transaction)
    }
}

struct TransactionResource: Encodable {
    var snapshot: TransactionSnapshot

    enum CodingKeys: String, CodingKey {
        case localId, transactionId, connectorId, idTag, meterStartWh, startedAt, meterStopWh, stoppedAt
        case stopReason, energyWh, pendingDelivery
    }

    func encode(to encoder: any Encoder) throws {
        let record = snapshot.record
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.localId, forKey: .localId)
        try container.encode(record.transactionId, forKey: .transactionId)
        try container.encode(record.connectorId, forKey: .connectorId)
        try container.encode(record.idTag, forKey: .idTag)
        try container.encode(record.meterStart, forKey: .meterStartWh)
        try container.encode(record.startedAt, forKey: .startedAt)
        try container.encode(record.meterStop, forKey: .meterStopWh)
        try container.encode(record.stoppedAt, forKey: .stoppedAt)
        try container.encode(record.stopReason, forKey: .stopReason)
        try container.encode(wholeUnits(snapshot.energyWh), forKey: .energyWh)
        try container.encode(snapshot.pendingDelivery, forKey: .pendingDelivery)
    }
}

struct AuthorizationResource: Encodable {
    var idTag: IdToken
    var status: AuthorizationStatus
    var expiryDate: Timestamp?
    var parentIdTag: IdToken?
    /// centralSystem, localList or cache.
    var source: String
}

struct ConnectorList: Encodable {
    var connectors: [ConnectorResource]
}

struct TransactionList: Encodable {
    var transactions: [TransactionResource]
}

struct Health: Encodable {
    var status = "ok"
}

/// Meter readings go out as whole units (Wh, W), as OCPP reports them.
func wholeUnits(_ value: Double) -> Int {
    guard value.isFinite else { return 0 }
    return Int(max(-9e15, min(9e15, value.rounded(.down))))
}

// MARK: - Request bodies

struct IdTagBody: Decodable {
    var idTag: IdToken
}

struct StopBody: Decodable {
    var reason: Reason?
}

struct MeterBody: Decodable {
    var energyWh: Double?
    var powerW: Double?

    static let maximumEnergyWh = 1e15

    func validate() throws(Problem) {
        guard energyWh != nil || powerW != nil else {
            throw .invalidParameter("Send energyWh, powerW or both.")
        }
        for (name, value) in [("energyWh", energyWh), ("powerW", powerW)] {
            if let value, !(0...Self.maximumEnergyWh).contains(value) {
                throw .invalidParameter("\(name) must be from 0 to \(Int(Self.maximumEnergyWh)), not \(value).")
            }
        }
    }
}

struct ConfigurationEntryResource: Encodable {
    var key: String
    /// Never nil in a listing: only a change of the write-only AuthorizationKey has no value to show.
    var value: String?
    var readonly: Bool

    init(_ entry: ConfigurationEntry) {
        key = entry.key
        value = entry.value
        readonly = entry.readonly
    }
}

struct ConfigurationList: Encodable {
    var configuration: [ConfigurationEntryResource]
}

struct ConfigurationChangeResource: Encodable {
    var key: String
    /// Null for the write-only AuthorizationKey.
    var value: String?
    var readonly: Bool
    /// ChangeConfiguration's answer: every key of this charge point applies at once.
    var status = "Accepted"

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(value, forKey: .value)
        try container.encode(readonly, forKey: .readonly)
        try container.encode(status, forKey: .status)
    }

    private enum CodingKeys: String, CodingKey { case key, value, readonly, status }
}

struct SnapshotResource: Encodable {
    var status: StationResource
    var connectors: [ConnectorResource]
    var transactions: [TransactionResource]
    var configuration: [ConfigurationEntryResource]

    init(_ snapshot: EngineSnapshot, csmsURL: String, version: String) {
        status = StationResource(snapshot: snapshot.station, csmsURL: csmsURL, version: version)
        connectors = snapshot.connectors.map(ConnectorResource.init)
        transactions = snapshot.transactions.map(TransactionResource.init)
        configuration = snapshot.configuration.map(ConfigurationEntryResource.init)
    }
}

struct MeterResource: Encodable {
    var connectorId: Int
    var energyWh: Int
    var powerW: Int
    var time: Timestamp

    init(connectorId: Int, energyWh: Double, powerW: Double, time: Timestamp) {
        self.connectorId = connectorId
        self.energyWh = wholeUnits(energyWh)
        self.powerW = wholeUnits(powerW)
        self.time = time
    }
}

struct TransactionEventResource: Encodable {
    var event: String
    var transaction: TransactionResource
}

struct FaultBody: Decodable {
    var errorCode: ChargePointErrorCode
    var info: CiString<50>?
}

struct ValueBody: Decodable {
    var value: String
}

struct AvailabilityBody: Decodable {
    var type: AvailabilityType
}

/// The OCPP status a CSMS would have got for the same request (ChangeAvailability, UnlockConnector, ...).
struct StatusResource: Encodable {
    var status: String
}

struct ResetBody: Decodable {
    var type: ResetType
}

struct TriggerBody: Decodable {
    var message: MessageTrigger
    var connectorId: Int?
}

struct LocalListResource: Encodable {
    struct Entry: Encodable {
        var idTag: IdToken
        var status: AuthorizationStatus
        var expiryDate: Timestamp?
        var parentIdTag: IdToken?
    }

    var version: Int
    var entries: [Entry]

    init(_ list: LocalAuthorizationList) {
        version = list.version
        entries = list.all.compactMap { data in
            data.idTagInfo.map { Entry(idTag: data.idTag, status: $0.status, expiryDate: $0.expiryDate, parentIdTag: $0.parentIdTag) }
        }
    }
}

struct ReservationResource: Encodable {
    var reservationId: Int
    /// 0: any connector.
    var connectorId: Int
    var idTag: IdToken
    var parentIdTag: IdToken?
    var expiryDate: Timestamp

    init(_ placed: PlacedReservation) {
        reservationId = placed.reservation.id
        connectorId = placed.connectorId
        idTag = placed.reservation.idTag
        parentIdTag = placed.reservation.parentIdTag
        expiryDate = placed.reservation.expiryDate
    }
}

struct ReservationList: Encodable {
    var reservations: [ReservationResource]
}

struct ChargingProfileList: Encodable {
    struct Entry: Encodable {
        var connectorId: Int
        var profile: ChargingProfile
    }

    var profiles: [Entry]
}

struct CompositeScheduleResource: Encodable {
    var connectorId: Int
    var scheduleStart: Timestamp
    var chargingSchedule: ChargingSchedule
}

struct FileTransfersResource: Encodable {
    struct Firmware: Encodable {
        var status: FirmwareStatus
        var location: String?
    }

    struct Diagnostics: Encodable {
        var status: DiagnosticsStatus
        var fileName: String?
    }

    var firmware: Firmware
    var diagnostics: Diagnostics

    init(_ snapshot: FileTransfersSnapshot) {
        firmware = Firmware(status: snapshot.firmwareStatus, location: snapshot.firmwareLocation)
        diagnostics = Diagnostics(status: snapshot.diagnosticsStatus, fileName: snapshot.diagnosticsFileName)
    }
}

struct SecurityEventResource: Encodable {
    var type: String
    var timestamp: Timestamp
    var techInfo: String?
    var critical: Bool

    init(_ event: SecurityEvent) {
        type = event.type.rawValue
        timestamp = event.timestamp
        techInfo = event.techInfo
        critical = event.type.isCritical
    }

    /// `techInfo` is null, not left out, when there is none.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(techInfo, forKey: .techInfo)
        try container.encode(critical, forKey: .critical)
    }

    private enum CodingKeys: String, CodingKey { case type, timestamp, techInfo, critical }
}

struct SecurityEventList: Encodable {
    /// Oldest first.
    var events: [SecurityEventResource]
}

struct SecurityEventBody: Decodable {
    var type: HardwareSecurityEvent
    var techInfo: CiString<255>?
}
