import ChargePoint
import OCPP16
import OCPP201
import Station201

/// Each protocol's names for the metrics' labels, and its engine's snapshots as the metrics read them.
extension OCPPVocabulary {
    /// 1.6's; FormatViolation, the 2.0.1 spelling some central systems send, is kept apart too.
    public static let ocpp16 = OCPPVocabulary(
        version: "1.6", actions: OCPP16.Action.allCases.map(\.rawValue),
        errorCodes: OCPP16.RPCErrorCode.allCases.map(\.rawValue) + ["FormatViolation"],
        registrationStatuses: OCPP16.RegistrationStatus.allCases.map(\.rawValue),
        connectorStatuses: ChargePointStatus.allCases.map(\.rawValue))

    public static let ocpp201 = OCPPVocabulary(
        version: "2.0.1", actions: OCPP201.Action.allCases.map(\.rawValue),
        errorCodes: OCPP201.RPCErrorCode.allCases.map(\.rawValue),
        registrationStatuses: OCPP201.RegistrationStatus.allCases.map(\.rawValue),
        connectorStatuses: ConnectorStatus.allCases.map(\.rawValue))
}

extension Telemetry.Reading {
    init(_ snapshot: ChargePoint.EngineSnapshot) {
        self.init(
            link: snapshot.station.link, registration: snapshot.station.registration?.rawValue,
            queuedMessages: snapshot.station.queuedMessages,
            connectors: snapshot.connectors.map { ($0.id, $0.status.rawValue, $0.powerW, $0.energyWh) })
    }

    init(_ snapshot: Station201.EngineSnapshot) {
        self.init(
            link: snapshot.station.link, registration: snapshot.station.registration?.rawValue,
            queuedMessages: snapshot.station.queuedMessages,
            connectors: snapshot.connectors.map { ($0.evseId, $0.status.rawValue, $0.powerW, $0.energyWh) })
    }
}
