/// Every action name of OCPP 2.0.1 ([SCH]: one per Request/Response schema pair), spelled as on the wire
/// (case-sensitive). Knowing all of them lets the station tell an unknown action (CALLERROR NotImplemented)
/// from a known one it does not support (NotSupported) [P4 Table 8].
public enum Action: String, Sendable, CaseIterable, Codable, JSONScalar {
    // Charging station → CSMS
    case authorize = "Authorize"
    case bootNotification = "BootNotification"
    case clearedChargingLimit = "ClearedChargingLimit"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case get15118EVCertificate = "Get15118EVCertificate"
    case getCertificateStatus = "GetCertificateStatus"
    case heartbeat = "Heartbeat"
    case logStatusNotification = "LogStatusNotification"
    case meterValues = "MeterValues"
    case notifyChargingLimit = "NotifyChargingLimit"
    case notifyCustomerInformation = "NotifyCustomerInformation"
    case notifyDisplayMessages = "NotifyDisplayMessages"
    case notifyEVChargingNeeds = "NotifyEVChargingNeeds"
    case notifyEVChargingSchedule = "NotifyEVChargingSchedule"
    case notifyEvent = "NotifyEvent"
    case notifyMonitoringReport = "NotifyMonitoringReport"
    case notifyReport = "NotifyReport"
    case publishFirmwareStatusNotification = "PublishFirmwareStatusNotification"
    case reportChargingProfiles = "ReportChargingProfiles"
    case reservationStatusUpdate = "ReservationStatusUpdate"
    case securityEventNotification = "SecurityEventNotification"
    case signCertificate = "SignCertificate"
    case statusNotification = "StatusNotification"
    case transactionEvent = "TransactionEvent"
    // Both directions
    case dataTransfer = "DataTransfer"
    // CSMS → charging station (PublishFirmware and UnpublishFirmware address a Local Controller)
    case cancelReservation = "CancelReservation"
    case certificateSigned = "CertificateSigned"
    case changeAvailability = "ChangeAvailability"
    case clearCache = "ClearCache"
    case clearChargingProfile = "ClearChargingProfile"
    case clearDisplayMessage = "ClearDisplayMessage"
    case clearVariableMonitoring = "ClearVariableMonitoring"
    case costUpdated = "CostUpdated"
    case customerInformation = "CustomerInformation"
    case deleteCertificate = "DeleteCertificate"
    case getBaseReport = "GetBaseReport"
    case getChargingProfiles = "GetChargingProfiles"
    case getCompositeSchedule = "GetCompositeSchedule"
    case getDisplayMessages = "GetDisplayMessages"
    case getInstalledCertificateIds = "GetInstalledCertificateIds"
    case getLocalListVersion = "GetLocalListVersion"
    case getLog = "GetLog"
    case getMonitoringReport = "GetMonitoringReport"
    case getReport = "GetReport"
    case getTransactionStatus = "GetTransactionStatus"
    case getVariables = "GetVariables"
    case installCertificate = "InstallCertificate"
    case publishFirmware = "PublishFirmware"
    case requestStartTransaction = "RequestStartTransaction"
    case requestStopTransaction = "RequestStopTransaction"
    case reserveNow = "ReserveNow"
    case reset = "Reset"
    case sendLocalList = "SendLocalList"
    case setChargingProfile = "SetChargingProfile"
    case setDisplayMessage = "SetDisplayMessage"
    case setMonitoringBase = "SetMonitoringBase"
    case setMonitoringLevel = "SetMonitoringLevel"
    case setNetworkProfile = "SetNetworkProfile"
    case setVariableMonitoring = "SetVariableMonitoring"
    case setVariables = "SetVariables"
    case triggerMessage = "TriggerMessage"
    case unlockConnector = "UnlockConnector"
    case unpublishFirmware = "UnpublishFirmware"
    case updateFirmware = "UpdateFirmware"
}

/// A request payload, tied to its action and the payload type that answers it.
public protocol OCPPRequest: Codable, Sendable, CustomDataExtensible {
    associatedtype Response: Codable, Sendable, CustomDataExtensible
    static var action: Action { get }
}

/// The answer to a request whose response schema defines no members but `customData` (`{}` on the wire,
/// never `null`).
public struct EmptyResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public init() {}
}

extension EmptyResponse: JSONObject, JSONFastDecodable {
    public func writeMembers(to object: inout JSONObjectWriter) {}

    public init?(fastJSON members: [String: JSONValue]) {
        guard members.isEmpty else { return nil }
        self.init()
    }
}
