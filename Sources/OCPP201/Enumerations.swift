/// OCPP 2.0.1 enumerations with their exact wire spellings ([SCH] `<Name>EnumType`). Swift names drop the
/// `EnumType` suffix unless the short name would clash or say nothing. Unknown spellings fail to decode, which
/// `RPCErrorCode(_:)` reports as PropertyConstraintViolation.

/// [SCH] BootReasonEnumType. Why the station (re)booted, so the CSMS can tell a crash (Watchdog) from an ordered
/// reset [B01].
public enum BootReason: String, Codable, JSONScalar, Sendable, CaseIterable {
    case applicationReset = "ApplicationReset"
    case firmwareUpdate = "FirmwareUpdate"
    case localReset = "LocalReset"
    case powerUp = "PowerUp"
    case remoteReset = "RemoteReset"
    case scheduledReset = "ScheduledReset"
    case triggered = "Triggered"
    case unknown = "Unknown"
    case watchdog = "Watchdog"
}

/// [SCH] RegistrationStatusEnumType. The CSMS's verdict on a BootNotification: only Accepted lets the station send
/// other messages [B02, B03].
public enum RegistrationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case pending = "Pending"
    case rejected = "Rejected"
}

/// [SCH] ConnectorStatusEnumType. 1.6's Preparing…Finishing collapse into Occupied; the charging detail travels in
/// TransactionEvent's `chargingState` instead.
public enum ConnectorStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case available = "Available"
    case occupied = "Occupied"
    case reserved = "Reserved"
    case unavailable = "Unavailable"
    case faulted = "Faulted"
}

/// [SCH] IdTokenEnumType. How to read an idToken's value. Two tokens are the same only when value and type match
/// [C01.FR.25]; `NoAuthorization` carries an empty value. Keeps its schema name: `IdToken` is the token itself.
public enum IdTokenEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case central = "Central"
    case eMAID
    case iso14443 = "ISO14443"
    case iso15693 = "ISO15693"
    case keyCode = "KeyCode"
    case local = "Local"
    case macAddress = "MacAddress"
    case noAuthorization = "NoAuthorization"
}

/// [SCH] AuthorizationStatusEnumType. Only Accepted allows charging; the other values say why not, for the driver's
/// display.
public enum AuthorizationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case blocked = "Blocked"
    case concurrentTx = "ConcurrentTx"
    case expired = "Expired"
    case invalid = "Invalid"
    case noCredit = "NoCredit"
    case notAllowedTypeEVSE = "NotAllowedTypeEVSE"
    case notAtThisLocation = "NotAtThisLocation"
    case notAtThisTime = "NotAtThisTime"
    case unknown = "Unknown"
}

/// [SCH] AuthorizeCertificateStatusEnumType. The CSMS's check of an ISO 15118 contract certificate sent with
/// Authorize.
public enum AuthorizeCertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case signatureError = "SignatureError"
    case certificateExpired = "CertificateExpired"
    case certificateRevoked = "CertificateRevoked"
    case noCertificateAvailable = "NoCertificateAvailable"
    case certChainError = "CertChainError"
    case contractCancelled = "ContractCancelled"
}

/// [SCH] HashAlgorithmEnumType. The hash behind OCSP request data and certificate hashes.
public enum HashAlgorithm: String, Codable, JSONScalar, Sendable, CaseIterable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"
}

/// [SCH] MessageFormatEnumType. How a display text is encoded, so the station can refuse what its display cannot show.
public enum MessageFormat: String, Codable, JSONScalar, Sendable, CaseIterable {
    case ascii = "ASCII"
    case html = "HTML"
    case uri = "URI"
    case utf8 = "UTF8"
}

/// [SCH] MessagePriorityEnumType. AlwaysFront is shown alone, regardless of other messages; InFront ones are shown
/// before the normal cycle, cycling among themselves; NormalCycle ones take their turn in it [O01.FR.12–16].
public enum MessagePriority: String, Codable, JSONScalar, Sendable, CaseIterable {
    case alwaysFront = "AlwaysFront"
    case inFront = "InFront"
    case normalCycle = "NormalCycle"
}

/// [SCH] MessageStateEnumType. The station state in which a display message is shown; without one it is shown in any.
public enum MessageState: String, Codable, JSONScalar, Sendable, CaseIterable {
    case charging = "Charging"
    case faulted = "Faulted"
    case idle = "Idle"
    case unavailable = "Unavailable"
}

/// [SCH] DisplayMessageStatusEnumType. SetDisplayMessage's answer [O01, O02].
public enum DisplayMessageStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case notSupportedMessageFormat = "NotSupportedMessageFormat"
    case rejected = "Rejected"
    case notSupportedPriority = "NotSupportedPriority"
    case notSupportedState = "NotSupportedState"
    case unknownTransaction = "UnknownTransaction"
}

/// [SCH] GetDisplayMessagesStatusEnumType. Unknown: no stored message matches the request [O03.FR.06, O04.FR.02].
public enum GetDisplayMessagesStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case unknown = "Unknown"
}

/// [SCH] ClearMessageStatusEnumType. Unknown: no message with that id [O05.FR.02].
public enum ClearMessageStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case unknown = "Unknown"
}

/// [SCH] TransactionEventEnumType. Where a TransactionEvent sits in its transaction's life. Keeps its schema name: the
/// message is `TransactionEvent`.
public enum TransactionEventEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case ended = "Ended"
    case started = "Started"
    case updated = "Updated"
}

/// [SCH] TriggerReasonEnumType. What made the station send a TransactionEvent, so the CSMS can tell the driver's
/// actions from the station's own; the most specific reason applies [E02.FR.17].
public enum TriggerReason: String, Codable, JSONScalar, Sendable, CaseIterable {
    case authorized = "Authorized"
    case cablePluggedIn = "CablePluggedIn"
    case chargingRateChanged = "ChargingRateChanged"
    case chargingStateChanged = "ChargingStateChanged"
    case deauthorized = "Deauthorized"
    case energyLimitReached = "EnergyLimitReached"
    case evCommunicationLost = "EVCommunicationLost"
    case evConnectTimeout = "EVConnectTimeout"
    case meterValueClock = "MeterValueClock"
    case meterValuePeriodic = "MeterValuePeriodic"
    case timeLimitReached = "TimeLimitReached"
    case trigger = "Trigger"
    case unlockCommand = "UnlockCommand"
    case stopAuthorized = "StopAuthorized"
    case evDeparted = "EVDeparted"
    case evDetected = "EVDetected"
    case remoteStop = "RemoteStop"
    case remoteStart = "RemoteStart"
    case abnormalCondition = "AbnormalCondition"
    case signedDataReceived = "SignedDataReceived"
    case resetCommand = "ResetCommand"
}

/// [SCH] ChargingStateEnumType. Energy flow within a transaction, sent whenever it changes.
public enum ChargingState: String, Codable, JSONScalar, Sendable, CaseIterable {
    case charging = "Charging"
    case evConnected = "EVConnected"
    case suspendedEV = "SuspendedEV"
    case suspendedEVSE = "SuspendedEVSE"
    case idle = "Idle"
}

/// [SCH] ReasonEnumType. Why a transaction ended (`stoppedReason`; absent means Local) [E06].
public enum Reason: String, Codable, JSONScalar, Sendable, CaseIterable {
    case deAuthorized = "DeAuthorized"
    case emergencyStop = "EmergencyStop"
    case energyLimitReached = "EnergyLimitReached"
    case evDisconnected = "EVDisconnected"
    case groundFault = "GroundFault"
    case immediateReset = "ImmediateReset"
    case local = "Local"
    case localOutOfCredit = "LocalOutOfCredit"
    case masterPass = "MasterPass"
    case other = "Other"
    case overcurrentFault = "OvercurrentFault"
    case powerLoss = "PowerLoss"
    case powerQuality = "PowerQuality"
    case reboot = "Reboot"
    case remote = "Remote"
    case socLimitReached = "SOCLimitReached"
    case stoppedByEV = "StoppedByEV"
    case timeLimitReached = "TimeLimitReached"
    case timeout = "Timeout"
}

/// [SCH] ReadingContextEnumType. Why a sample was taken; absent means Sample.Periodic.
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

/// [SCH] MeasurandEnumType. What a sample measures; absent means Energy.Active.Import.Register. 1.6's RPM and
/// Temperature are gone.
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
    case energyActiveNet = "Energy.Active.Net"
    case energyReactiveExportInterval = "Energy.Reactive.Export.Interval"
    case energyReactiveImportInterval = "Energy.Reactive.Import.Interval"
    case energyReactiveNet = "Energy.Reactive.Net"
    case energyApparentNet = "Energy.Apparent.Net"
    case energyApparentImport = "Energy.Apparent.Import"
    case energyApparentExport = "Energy.Apparent.Export"
    case frequency = "Frequency"
    case powerActiveExport = "Power.Active.Export"
    case powerActiveImport = "Power.Active.Import"
    case powerFactor = "Power.Factor"
    case powerOffered = "Power.Offered"
    case powerReactiveExport = "Power.Reactive.Export"
    case powerReactiveImport = "Power.Reactive.Import"
    case soc = "SoC"
    case voltage = "Voltage"
}

/// [SCH] PhaseEnumType. Which phase or pair of phases a sample belongs to; absent means all phases together.
public enum Phase: String, Codable, JSONScalar, Sendable, CaseIterable {
    case l1 = "L1"
    case l2 = "L2"
    case l3 = "L3"
    case n = "N"
    case l1N = "L1-N"
    case l2N = "L2-N"
    case l3N = "L3-N"
    case l1L2 = "L1-L2"
    case l2L3 = "L2-L3"
    case l3L1 = "L3-L1"
}

/// [SCH] LocationEnumType. Where the meter sits; absent means Outlet.
public enum Location: String, Codable, JSONScalar, Sendable, CaseIterable {
    case body = "Body"
    case cable = "Cable"
    case ev = "EV"
    case inlet = "Inlet"
    case outlet = "Outlet"
}

/// [SCH] DataTransferStatusEnumType. The receiver's verdict on a DataTransfer; the meaning of Accepted and Rejected is
/// the vendor's [P01].
public enum DataTransferStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case unknownMessageId = "UnknownMessageId"
    case unknownVendorId = "UnknownVendorId"
}

/// [SCH] AttributeEnumType. Which of a variable's values is meant; an absent attribute type means Actual [B05.FR.12,
/// B06.FR.11].
public enum Attribute: String, Codable, JSONScalar, Sendable, CaseIterable {
    case actual = "Actual"
    case target = "Target"
    case minSet = "MinSet"
    case maxSet = "MaxSet"
}

/// [SCH] MutabilityEnumType. Whether the CSMS may read or write a variable; a WriteOnly value is never reported
/// [B07.FR.03].
public enum Mutability: String, Codable, JSONScalar, Sendable, CaseIterable {
    case readOnly = "ReadOnly"
    case writeOnly = "WriteOnly"
    case readWrite = "ReadWrite"
}

/// [SCH] DataEnumType. How a variable's value string is to be read. Keeps its schema name: `Data` would say nothing.
public enum DataEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case string
    case decimal
    case integer
    case dateTime
    case boolean
    case optionList = "OptionList"
    case sequenceList = "SequenceList"
    case memberList = "MemberList"
}

/// [SCH] GetVariableStatusEnumType. Outcome of one GetVariables item; only Accepted carries a value [B06].
public enum GetVariableStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case unknownComponent = "UnknownComponent"
    case unknownVariable = "UnknownVariable"
    case notSupportedAttributeType = "NotSupportedAttributeType"
}

/// [SCH] SetVariableStatusEnumType. Outcome of one SetVariables item; RebootRequired means stored but not effective
/// until a reboot [B05].
public enum SetVariableStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case unknownComponent = "UnknownComponent"
    case unknownVariable = "UnknownVariable"
    case notSupportedAttributeType = "NotSupportedAttributeType"
    case rebootRequired = "RebootRequired"
}

/// [SCH] ReportBaseEnumType. Which predefined report GetBaseReport asks for [B07].
public enum ReportBase: String, Codable, JSONScalar, Sendable, CaseIterable {
    case configurationInventory = "ConfigurationInventory"
    case fullInventory = "FullInventory"
    case summaryInventory = "SummaryInventory"
}

/// [SCH] ComponentCriterionEnumType. GetReport's component filters, OR-ed together [B08.FR.13].
public enum ComponentCriterion: String, Codable, JSONScalar, Sendable, CaseIterable {
    case active = "Active"
    case available = "Available"
    case enabled = "Enabled"
    case problem = "Problem"
}

/// [SCH] GenericDeviceModelStatusEnumType. Whether a report request will be answered by NotifyReport messages [B07,
/// B08].
public enum GenericDeviceModelStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notSupported = "NotSupported"
    case emptyResultSet = "EmptyResultSet"
}

/// [SCH] ResetEnumType. When to reset: at once, or once no transaction is running. Keeps its schema name: `Reset` reads
/// as the action.
public enum ResetEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case immediate = "Immediate"
    case onIdle = "OnIdle"
}

/// [SCH] ResetStatusEnumType. Scheduled means the reset waits for the running transactions to end [B11, B12].
public enum ResetStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case scheduled = "Scheduled"
}

/// [SCH] OperationalStatusEnumType. The availability the CSMS wants for the station, an EVSE or a connector [G03].
public enum OperationalStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case inoperative = "Inoperative"
    case operative = "Operative"
}

/// [SCH] ChangeAvailabilityStatusEnumType. Scheduled means the change waits for the running transaction to end
/// [G03.FR.05].
public enum ChangeAvailabilityStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case scheduled = "Scheduled"
}

/// [SCH] MessageTriggerEnumType. The messages TriggerMessage can ask for [F06].
public enum MessageTrigger: String, Codable, JSONScalar, Sendable, CaseIterable {
    case bootNotification = "BootNotification"
    case logStatusNotification = "LogStatusNotification"
    case firmwareStatusNotification = "FirmwareStatusNotification"
    case heartbeat = "Heartbeat"
    case meterValues = "MeterValues"
    case signChargingStationCertificate = "SignChargingStationCertificate"
    case signV2GCertificate = "SignV2GCertificate"
    case statusNotification = "StatusNotification"
    case transactionEvent = "TransactionEvent"
    case signCombinedCertificate = "SignCombinedCertificate"
    case publishFirmwareStatusNotification = "PublishFirmwareStatusNotification"
}

/// [SCH] TriggerMessageStatusEnumType. NotImplemented refuses a trigger the station does not know; Rejected one it will
/// not send now [F06].
public enum TriggerMessageStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notImplemented = "NotImplemented"
}

/// [SCH] UnlockStatusEnumType. UnlockConnector no longer stops a transaction: an authorized one is refused with
/// OngoingAuthorizedTransaction [F05.FR.02].
public enum UnlockStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case unlocked = "Unlocked"
    case unlockFailed = "UnlockFailed"
    case ongoingAuthorizedTransaction = "OngoingAuthorizedTransaction"
    case unknownConnector = "UnknownConnector"
}

/// [SCH] RequestStartStopStatusEnumType. Whether a remote start or stop will be attempted; a Rejected one carries
/// its reason in `statusInfo` (e.g. `CSNotAccepted`, `TxNotFound`).
public enum RequestStartStopStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

/// [SCH] CustomerInformationStatusEnumType. Invalid: not exactly one way of naming the customer [N09.FR.09].
public enum CustomerInformationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case invalid = "Invalid"
}

/// [SCH] ClearCacheStatusEnumType. Rejected when the station has no authorization cache or it is disabled [C11].
public enum ClearCacheStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

/// [SCH] UpdateEnumType. Whether SendLocalList replaces the local list or edits it. Keeps its schema name: `Update`
/// reads as an action.
public enum UpdateEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case differential = "Differential"
    case full = "Full"
}

/// [SCH] SendLocalListStatusEnumType. VersionMismatch asks the CSMS for a full list [D01.FR.19].
public enum SendLocalListStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case versionMismatch = "VersionMismatch"
}

/// [SCH] SetNetworkProfileStatusEnumType. Rejected for an invalid profile or slot, Failed when storing it failed [B09].
public enum SetNetworkProfileStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case failed = "Failed"
}

/// [SCH] OCPPVersionEnumType. Stored with a network profile but ignored: the websocket handshake decides the version
/// [B09].
public enum OCPPVersionEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case ocpp12 = "OCPP12"
    case ocpp15 = "OCPP15"
    case ocpp16 = "OCPP16"
    case ocpp20 = "OCPP20"
}

/// [SCH] OCPPTransportEnumType. OCPP-J (JSON) or the SOAP binding this station does not speak.
public enum OCPPTransport: String, Codable, JSONScalar, Sendable, CaseIterable {
    case json = "JSON"
    case soap = "SOAP"
}

/// [SCH] OCPPInterfaceEnumType. The network interface a connection profile uses.
public enum OCPPInterface: String, Codable, JSONScalar, Sendable, CaseIterable {
    case wired0 = "Wired0"
    case wired1 = "Wired1"
    case wired2 = "Wired2"
    case wired3 = "Wired3"
    case wireless0 = "Wireless0"
    case wireless1 = "Wireless1"
    case wireless2 = "Wireless2"
    case wireless3 = "Wireless3"
}

/// [SCH] APNAuthenticationEnumType. How the modem authenticates to a mobile network's access point.
public enum APNAuthentication: String, Codable, JSONScalar, Sendable, CaseIterable {
    case chap = "CHAP"
    case noAuthentication = "NONE"
    case pap = "PAP"
    case auto = "AUTO"
}

/// [SCH] VPNEnumType. The VPN protocol of a connection profile. Keeps its schema name: `VPN` is the VPN settings.
public enum VPNEnumType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case ikev2 = "IKEv2"
    case ipSec = "IPSec"
    case l2tp = "L2TP"
    case pptp = "PPTP"
}

/// [SCH] ChargingProfilePurposeEnumType. Which limit a profile sets; a TxProfile needs a transaction [K01.FR.03].
public enum ChargingProfilePurpose: String, Codable, JSONScalar, Sendable, CaseIterable {
    case chargingStationExternalConstraints = "ChargingStationExternalConstraints"
    case chargingStationMaxProfile = "ChargingStationMaxProfile"
    case txDefaultProfile = "TxDefaultProfile"
    case txProfile = "TxProfile"
}

/// [SCH] ChargingProfileKindEnumType. How a profile's schedule is anchored in time.
public enum ChargingProfileKind: String, Codable, JSONScalar, Sendable, CaseIterable {
    case absolute = "Absolute"
    case recurring = "Recurring"
    case relative = "Relative"
}

/// [SCH] RecurrencyKindEnumType. The repeat period of a Recurring profile.
public enum RecurrencyKind: String, Codable, JSONScalar, Sendable, CaseIterable {
    case daily = "Daily"
    case weekly = "Weekly"
}

/// [SCH] ChargingRateUnitEnumType. Whether a schedule's limits are amperes (per phase) or watts.
public enum ChargingRateUnit: String, Codable, JSONScalar, Sendable, CaseIterable {
    case watts = "W"
    case amperes = "A"
}

/// [SCH] CostKindEnumType. The kind of cost an ISO 15118 sales tariff entry states.
public enum CostKind: String, Codable, JSONScalar, Sendable, CaseIterable {
    case carbonDioxideEmission = "CarbonDioxideEmission"
    case relativePricePercentage = "RelativePricePercentage"
    case renewableGenerationPercentage = "RenewableGenerationPercentage"
}

/// [SCH] InstallCertificateUseEnumType. The roots InstallCertificate installs [M05].
public enum InstallCertificateUse: String, Codable, JSONScalar, Sendable, CaseIterable {
    case v2gRootCertificate = "V2GRootCertificate"
    case moRootCertificate = "MORootCertificate"
    case csmsRootCertificate = "CSMSRootCertificate"
    case manufacturerRootCertificate = "ManufacturerRootCertificate"
}

/// [SCH] InstallCertificateStatusEnumType.
public enum InstallCertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case failed = "Failed"
}

/// [SCH] GetCertificateIdUseEnumType. What GetInstalledCertificateIds asks for and reports [M03]; the roots
/// plus the station's ISO 15118 (V2G) chain.
public enum GetCertificateIdUse: String, Codable, JSONScalar, Sendable, CaseIterable {
    case v2gRootCertificate = "V2GRootCertificate"
    case moRootCertificate = "MORootCertificate"
    case csmsRootCertificate = "CSMSRootCertificate"
    case v2gCertificateChain = "V2GCertificateChain"
    case manufacturerRootCertificate = "ManufacturerRootCertificate"
}

/// [SCH] GetInstalledCertificateStatusEnumType.
public enum GetInstalledCertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case notFound = "NotFound"
}

/// [SCH] DeleteCertificateStatusEnumType.
public enum DeleteCertificateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case failed = "Failed"
    case notFound = "NotFound"
}

/// [SCH] CertificateSigningUseEnumType. Which of the station's own certificates a CSR or a signed chain is for.
public enum CertificateSigningUse: String, Codable, JSONScalar, Sendable, CaseIterable {
    case chargingStationCertificate = "ChargingStationCertificate"
    case v2gCertificate = "V2GCertificate"
}

/// [SCH] CertificateSignedStatusEnumType.
public enum CertificateSignedStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

/// [SCH] GenericStatusEnumType: SignCertificate's answer (will the CSMS have the CSR signed) and GetCompositeSchedule's.
public enum GenericStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

/// [SCH] UpdateFirmwareStatusEnumType. AcceptedCanceled: an update in progress was cancelled for this one
/// [L01.FR.24].
public enum UpdateFirmwareStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case acceptedCanceled = "AcceptedCanceled"
    case invalidCertificate = "InvalidCertificate"
    case revokedCertificate = "RevokedCertificate"
}

/// [SCH] FirmwareStatusEnumType: the steps of a firmware update [L01, L02].
public enum FirmwareStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
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

/// [SCH] LogEnumType.
public enum LogType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case diagnosticsLog = "DiagnosticsLog"
    case securityLog = "SecurityLog"
}

/// [SCH] LogStatusEnumType: GetLog's answer. AcceptedCanceled: an upload in progress was cancelled for this
/// one [N01.FR.12].
public enum LogStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case acceptedCanceled = "AcceptedCanceled"
}

/// [SCH] UploadLogStatusEnumType: the steps of a log upload [N01].
public enum UploadLogStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case badMessage = "BadMessage"
    case idle = "Idle"
    case notSupportedOperation = "NotSupportedOperation"
    case permissionDenied = "PermissionDenied"
    case uploaded = "Uploaded"
    case uploadFailure = "UploadFailure"
    case uploading = "Uploading"
    case acceptedCanceled = "AcceptedCanceled"
}
