/// OCPP 1.6 enumerations with their exact wire spellings ([CORE] §7, [SCH]).
/// Unknown spellings fail to decode, which the strict decoder reports as `PropertyConstraintViolation`.

public enum ChargePointStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case available = "Available"
    case preparing = "Preparing"
    case charging = "Charging"
    case suspendedEVSE = "SuspendedEVSE"
    case suspendedEV = "SuspendedEV"
    case finishing = "Finishing"
    case reserved = "Reserved"
    case unavailable = "Unavailable"
    case faulted = "Faulted"
}

public enum ChargePointErrorCode: String, Codable, JSONScalar, Sendable, CaseIterable {
    case connectorLockFailure = "ConnectorLockFailure"
    case evCommunicationError = "EVCommunicationError"
    case groundFailure = "GroundFailure"
    case highTemperature = "HighTemperature"
    case internalError = "InternalError"
    case localListConflict = "LocalListConflict"
    case noError = "NoError"
    case otherError = "OtherError"
    case overCurrentFailure = "OverCurrentFailure"
    case overVoltage = "OverVoltage"
    case powerMeterFailure = "PowerMeterFailure"
    case powerSwitchFailure = "PowerSwitchFailure"
    case readerFailure = "ReaderFailure"
    case resetFailure = "ResetFailure"
    case underVoltage = "UnderVoltage"
    case weakSignal = "WeakSignal"
}

public enum AuthorizationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case blocked = "Blocked"
    case expired = "Expired"
    case invalid = "Invalid"
    case concurrentTx = "ConcurrentTx"
}

/// Why a transaction stopped (StopTransaction.reason).
public enum Reason: String, Codable, JSONScalar, Sendable, CaseIterable {
    case deAuthorized = "DeAuthorized"
    case emergencyStop = "EmergencyStop"
    case evDisconnected = "EVDisconnected"
    case hardReset = "HardReset"
    case local = "Local"
    case other = "Other"
    case powerLoss = "PowerLoss"
    case reboot = "Reboot"
    case remote = "Remote"
    case softReset = "SoftReset"
    case unlockCommand = "UnlockCommand"
}

public enum Measurand: String, Codable, JSONScalar, Sendable, CaseIterable {
    case currentExport = "Current.Export"
    case currentImport = "Current.Import"
    case currentOffered = "Current.Offered"
    case energyActiveExportRegister = "Energy.Active.Export.Register"
    case energyActiveImportRegister = "Energy.Active.Import.Register"
    case energyReactiveExportRegister = "Energy.Reactive.Export.Register"
    case energyReactiveImportRegister = "Energy.Reactive.Import.Register"
    case energyActiveExportInterval = "Energy.Active.Export.Interval"
    case energyActiveImportInterval = "Energy.Active.Import.Interval"
    case energyReactiveExportInterval = "Energy.Reactive.Export.Interval"
    case energyReactiveImportInterval = "Energy.Reactive.Import.Interval"
    case frequency = "Frequency"
    case powerActiveExport = "Power.Active.Export"
    case powerActiveImport = "Power.Active.Import"
    case powerFactor = "Power.Factor"
    case powerOffered = "Power.Offered"
    case powerReactiveExport = "Power.Reactive.Export"
    case powerReactiveImport = "Power.Reactive.Import"
    case rpm = "RPM"
    case soc = "SoC"
    case temperature = "Temperature"
    case voltage = "Voltage"
}

public enum ReadingContext: String, Codable, JSONScalar, Sendable, CaseIterable {
    case interruptionBegin = "Interruption.Begin"
    case interruptionEnd = "Interruption.End"
    case other = "Other"
    case sampleClock = "Sample.Clock"
    case samplePeriodic = "Sample.Periodic"
    case transactionBegin = "Transaction.Begin"
    case transactionEnd = "Transaction.End"
    case trigger = "Trigger"
}

public enum ValueFormat: String, Codable, JSONScalar, Sendable, CaseIterable {
    case raw = "Raw"
    case signedData = "SignedData"
}

public enum Phase: String, Codable, JSONScalar, Sendable, CaseIterable {
    case l1 = "L1", l2 = "L2", l3 = "L3", n = "N"
    case l1N = "L1-N", l2N = "L2-N", l3N = "L3-N"
    case l1L2 = "L1-L2", l2L3 = "L2-L3", l3L1 = "L3-L1"
}

public enum Location: String, Codable, JSONScalar, Sendable, CaseIterable {
    case body = "Body", cable = "Cable", ev = "EV", inlet = "Inlet", outlet = "Outlet"
}

/// Units as the 1.6 schema spells them. `Celsius` is sent; the schema's `Celcius` is accepted on input ([JERR] 2.1).
public enum UnitOfMeasure: String, Codable, JSONScalar, Sendable, CaseIterable {
    case wh = "Wh", kWh, varh, kvarh
    case w = "W", kW, va = "VA", kVA, `var`, kvar
    case a = "A", v = "V"
    case celsius = "Celsius", fahrenheit = "Fahrenheit", k = "K", percent = "Percent"

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        if raw == "Celcius" {
            self = .celsius
        } else if let unit = UnitOfMeasure(rawValue: raw) {
            self = unit
        } else {
            throw decoder.payloadError(.invalidValue, "'\(raw)' is not a unit of measure")
        }
    }
}

public enum RegistrationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case pending = "Pending"
    case rejected = "Rejected"
}

public enum RemoteStartStopStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

public enum ConfigurationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case rebootRequired = "RebootRequired"
    case notSupported = "NotSupported"
}

public enum DataTransferStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case unknownMessageId = "UnknownMessageId"
    case unknownVendorId = "UnknownVendorId"
}

public enum ChargingProfilePurpose: String, Codable, JSONScalar, Sendable, CaseIterable {
    case chargePointMaxProfile = "ChargePointMaxProfile"
    case txDefaultProfile = "TxDefaultProfile"
    case txProfile = "TxProfile"
}

public enum ChargingProfileKind: String, Codable, JSONScalar, Sendable, CaseIterable {
    case absolute = "Absolute"
    case recurring = "Recurring"
    case relative = "Relative"
}

public enum RecurrencyKind: String, Codable, JSONScalar, Sendable, CaseIterable {
    case daily = "Daily"
    case weekly = "Weekly"
}

public enum ChargingRateUnit: String, Codable, JSONScalar, Sendable, CaseIterable {
    case amperes = "A"
    case watts = "W"
}

public enum AvailabilityType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case inoperative = "Inoperative"
    case operative = "Operative"
}

public enum AvailabilityStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case scheduled = "Scheduled"
}

public enum ResetType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case hard = "Hard"
    case soft = "Soft"
}

/// ResetStatus, ClearCacheStatus and CancelReservationStatus share these two values.
public enum AcceptedRejected: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

public enum UnlockStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case unlocked = "Unlocked"
    case unlockFailed = "UnlockFailed"
    case notSupported = "NotSupported"
}

public enum MessageTrigger: String, Codable, JSONScalar, Sendable, CaseIterable {
    case bootNotification = "BootNotification"
    case diagnosticsStatusNotification = "DiagnosticsStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    case statusNotification = "StatusNotification"
}

public enum TriggerMessageStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notImplemented = "NotImplemented"
}

public enum UpdateType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case differential = "Differential"
    case full = "Full"
}

public enum UpdateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case notSupported = "NotSupported"
    case versionMismatch = "VersionMismatch"
}

public enum ReservationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case faulted = "Faulted"
    case occupied = "Occupied"
    case rejected = "Rejected"
    case unavailable = "Unavailable"
}

public enum DiagnosticsStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case idle = "Idle"
    case uploaded = "Uploaded"
    case uploadFailed = "UploadFailed"
    case uploading = "Uploading"
}

public enum FirmwareStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case downloaded = "Downloaded"
    case downloadFailed = "DownloadFailed"
    case downloading = "Downloading"
    case idle = "Idle"
    case installationFailed = "InstallationFailed"
    case installing = "Installing"
    case installed = "Installed"
}

public enum ChargingProfileStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notSupported = "NotSupported"
}

public enum ClearChargingProfileStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case unknown = "Unknown"
}

// MARK: - Security whitepaper extension

public enum CertificateUse: String, Codable, JSONScalar, Sendable, CaseIterable {
    case centralSystemRootCertificate = "CentralSystemRootCertificate"
    case manufacturerRootCertificate = "ManufacturerRootCertificate"
}

public enum CertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case rejected = "Rejected"
}

public enum GenericStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

public enum DeleteCertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case notFound = "NotFound"
}

public enum GetInstalledCertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case notFound = "NotFound"
}

public enum HashAlgorithmName: String, Codable, JSONScalar, Sendable, CaseIterable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"
}

/// ExtendedTriggerMessage's list: FirmwareStatusNotification means SignedFirmwareStatusNotification and
/// SignChargePointCertificate means SignCertificate.
public enum ExtendedMessageTrigger: String, Codable, JSONScalar, Sendable, CaseIterable {
    case bootNotification = "BootNotification"
    case logStatusNotification = "LogStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    case signChargePointCertificate = "SignChargePointCertificate"
    case statusNotification = "StatusNotification"
}

public enum LogType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case diagnosticsLog = "DiagnosticsLog"
    case securityLog = "SecurityLog"
}

public enum LogStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case acceptedCanceled = "AcceptedCanceled"
}

public enum UploadLogStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case badMessage = "BadMessage"
    case idle = "Idle"
    case notSupportedOperation = "NotSupportedOperation"
    case permissionDenied = "PermissionDenied"
    case uploaded = "Uploaded"
    case uploadFailure = "UploadFailure"
    case uploading = "Uploading"
}

public enum SignedFirmwareStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case downloaded = "Downloaded"
    case downloadFailed = "DownloadFailed"
    case downloading = "Downloading"
    case downloadScheduled = "DownloadScheduled"
    case downloadPaused = "DownloadPaused"
    case idle = "Idle"
    case installationFailed = "InstallationFailed"
    case installing = "Installing"
    case installed = "Installed"
    case installRebooting = "InstallRebooting"
    case installScheduled = "InstallScheduled"
    case installVerificationFailed = "InstallVerificationFailed"
    case invalidSignature = "InvalidSignature"
    case signatureVerified = "SignatureVerified"
}

public enum UpdateFirmwareStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case acceptedCanceled = "AcceptedCanceled"
    case invalidCertificate = "InvalidCertificate"
    case revokedCertificate = "RevokedCertificate"
}
