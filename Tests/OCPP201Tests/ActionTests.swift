import OCPP201
import Testing

@Suite("2.0.1 actions")
struct ActionTests {
    /// The schema file names of the `ocpp` 2.1.0 package's `v201/schemas`, without `Request.json` /
    /// `Response.json`: one per action.
    static let schemaNames = [
        "Authorize", "BootNotification", "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache",
        "ClearChargingProfile", "ClearDisplayMessage", "ClearVariableMonitoring", "ClearedChargingLimit",
        "CostUpdated", "CustomerInformation", "DataTransfer", "DeleteCertificate", "FirmwareStatusNotification",
        "Get15118EVCertificate", "GetBaseReport", "GetCertificateStatus", "GetChargingProfiles",
        "GetCompositeSchedule", "GetDisplayMessages", "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog",
        "GetMonitoringReport", "GetReport", "GetTransactionStatus", "GetVariables", "Heartbeat",
        "InstallCertificate", "LogStatusNotification", "MeterValues", "NotifyChargingLimit",
        "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEVChargingNeeds", "NotifyEVChargingSchedule",
        "NotifyEvent", "NotifyMonitoringReport", "NotifyReport", "PublishFirmware",
        "PublishFirmwareStatusNotification", "ReportChargingProfiles", "RequestStartTransaction",
        "RequestStopTransaction", "ReservationStatusUpdate", "ReserveNow", "Reset", "SecurityEventNotification",
        "SendLocalList", "SetChargingProfile", "SetDisplayMessage", "SetMonitoringBase", "SetMonitoringLevel",
        "SetNetworkProfile", "SetVariableMonitoring", "SetVariables", "SignCertificate", "StatusNotification",
        "TransactionEvent", "TriggerMessage", "UnlockConnector", "UnpublishFirmware", "UpdateFirmware",
    ]

    @Test func namesEveryActionOfTheSchemas() {
        #expect(Self.schemaNames.count == 64)
        #expect(Action.allCases.count == 64)
        #expect(Set(Action.allCases.map(\.rawValue)) == Set(Self.schemaNames))
    }

    @Test func requestTypesNameTheirActions() {
        #expect(BootNotificationRequest.action.rawValue == "BootNotification")
        #expect(TransactionEventRequest.action.rawValue == "TransactionEvent")
        #expect(RequestStartTransactionRequest.action.rawValue == "RequestStartTransaction")
        #expect(SecurityEventNotificationRequest.action.rawValue == "SecurityEventNotification")
    }

    @Test func framesACallWithTheActionName() {
        #expect(
            RPCCodec.call(messageId: "19223201", action: .heartbeat, payload: HeartbeatRequest())
                == #"[2,"19223201","Heartbeat",{}]"#)
    }

    @Test func framesACallErrorWithThe201Spelling() {
        #expect(
            RPCCodec.callError(messageId: "7", code: .occurrenceConstraintViolation, description: "")
                == #"[4,"7","OccurrenceConstraintViolation","",{}]"#)
    }
}
