/// Every action name of OCPP 1.6-J and the security whitepaper, spelled as on the wire (case-sensitive).
/// Knowing all of them lets the charge point tell "unknown action" from "known but not handled here".
public enum Action: String, Sendable, CaseIterable, Codable, JSONScalar {
    // Charge point → central system
    case authorize = "Authorize"
    case bootNotification = "BootNotification"
    case diagnosticsStatusNotification = "DiagnosticsStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    case startTransaction = "StartTransaction"
    case statusNotification = "StatusNotification"
    case stopTransaction = "StopTransaction"
    // Both directions
    case dataTransfer = "DataTransfer"
    // Central system → charge point
    case cancelReservation = "CancelReservation"
    case changeAvailability = "ChangeAvailability"
    case changeConfiguration = "ChangeConfiguration"
    case clearCache = "ClearCache"
    case clearChargingProfile = "ClearChargingProfile"
    case getCompositeSchedule = "GetCompositeSchedule"
    case getConfiguration = "GetConfiguration"
    case getDiagnostics = "GetDiagnostics"
    case getLocalListVersion = "GetLocalListVersion"
    case remoteStartTransaction = "RemoteStartTransaction"
    case remoteStopTransaction = "RemoteStopTransaction"
    case reserveNow = "ReserveNow"
    case reset = "Reset"
    case sendLocalList = "SendLocalList"
    case setChargingProfile = "SetChargingProfile"
    case triggerMessage = "TriggerMessage"
    case unlockConnector = "UnlockConnector"
    case updateFirmware = "UpdateFirmware"
    // Security whitepaper extension
    case certificateSigned = "CertificateSigned"
    case deleteCertificate = "DeleteCertificate"
    case extendedTriggerMessage = "ExtendedTriggerMessage"
    case getInstalledCertificateIds = "GetInstalledCertificateIds"
    case getLog = "GetLog"
    case installCertificate = "InstallCertificate"
    case logStatusNotification = "LogStatusNotification"
    case securityEventNotification = "SecurityEventNotification"
    case signCertificate = "SignCertificate"
    case signedFirmwareStatusNotification = "SignedFirmwareStatusNotification"
    case signedUpdateFirmware = "SignedUpdateFirmware"
}

/// A request payload, tied to its action and the payload type that answers it.
public protocol OCPPRequest: Codable, Sendable {
    associatedtype Response: Codable, Sendable
    static var action: Action { get }
}

/// The answer to a request whose confirmation carries no fields (`{}` on the wire, never `null`).
public struct EmptyResponse: Codable, Sendable, Equatable {
    public init() {}
}

extension EmptyResponse: JSONFastDecodable {
    public init?(fastJSON members: [String: JSONValue]) {
        guard members.isEmpty else { return nil }
        self.init()
    }
}
