import OCPP201

/// The components and variables this station implements, each described once ([P2] Referenced Components
/// and Variables; [P4] §8). A variable is listed only once the behaviour behind it works: a report must
/// not promise what the station does not do.
public enum StandardVariables {
    static let ocppCommCtrlr = ComponentAddress("OCPPCommCtrlr")
    static let deviceDataCtrlr = ComponentAddress("DeviceDataCtrlr")
    static let clockCtrlr = ComponentAddress("ClockCtrlr")
    static let chargingStation = ComponentAddress("ChargingStation")
    static let authCtrlr = ComponentAddress("AuthCtrlr")
    static let authCacheCtrlr = ComponentAddress("AuthCacheCtrlr")
    static let localAuthListCtrlr = ComponentAddress("LocalAuthListCtrlr")
    static let txCtrlr = ComponentAddress("TxCtrlr")
    static let securityCtrlr = ComponentAddress("SecurityCtrlr")
    static let sampledDataCtrlr = ComponentAddress("SampledDataCtrlr")
    static let alignedDataCtrlr = ComponentAddress("AlignedDataCtrlr")
    static let displayMessageCtrlr = ComponentAddress("DisplayMessageCtrlr")
    static let reservationCtrlr = ComponentAddress("ReservationCtrlr")

    /// The URL schemes GetLog and UpdateFirmware take: what the file transfers (libcurl) speak.
    public static let fileTransferProtocols = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "FileTransferProtocols"), .memberList(["FTP", "FTPS", "HTTP", "HTTPS"]),
        .readOnly, source: .stored(default: "FTP,FTPS,HTTP,HTTPS"))
    /// While a firmware installation waits for transactions to end, idle EVSEs stay available only when this
    /// is true [L01.FR.07]; otherwise they turn Unavailable until the update ends [L01.FR.06].
    public static let allowNewSessionsPendingFirmwareUpdate = VariableDescriptor(
        VariableAddress(chargingStation, "AllowNewSessionsPendingFirmwareUpdate"), .boolean, .readWrite,
        source: .stored(default: "false"))

    /// Idle time before a Heartbeat; BootNotification's `interval` sets it too [B01.FR.04].
    public static let heartbeatInterval = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "HeartbeatInterval"), .integer(minimum: 1), .readWrite, unit: "s",
        source: .stored(default: "300"))
    /// How long a CALL waits for its answer. Read-only: it belongs to the network connection profile in
    /// use (30 s for the command line's).
    public static let messageTimeout = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "MessageTimeout", instance: "Default"), .integer(minimum: 1), .readOnly,
        unit: "s", source: .live(.messageTimeout))
    /// The slots of the network connection profiles in the order they are tried, from the next boot on
    /// [B10]; only slots that hold a profile (slot 1, `--csms`, always does).
    public static let networkConfigurationPriority = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "NetworkConfigurationPriority"),
        .sequenceList(NetworkProfiles.slots.map(String.init)), .readWrite, source: .stored(default: "1"),
        appliesAfterReboot: true)
    /// Failed connection attempts with one profile before the next in the priority list is tried.
    public static let networkProfileConnectionAttempts = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "NetworkProfileConnectionAttempts"), .integer(minimum: 1, maximum: 100),
        .readWrite, source: .stored(default: "3"))
    /// The slot of the profile in use.
    public static let activeNetworkProfile = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "ActiveNetworkProfile"), .integer(minimum: 1, maximum: NetworkProfiles.slots.upperBound),
        .readOnly, source: .live(.activeNetworkProfile))
    static let tariffCostCtrlr = ComponentAddress("TariffCostCtrlr")
    /// Tariffs and costs ([I]): the station shows both (the page and the transaction resource).
    static let tariffAvailable = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "Available", instance: "Tariff"), .boolean, .readOnly,
        source: .stored(default: "true"))
    static let costAvailable = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "Available", instance: "Cost"), .boolean, .readOnly,
        source: .stored(default: "true"))
    /// False: the driver is shown no tariff (no personal message, no fallback), or no cost.
    public static let tariffEnabled = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "Enabled", instance: "Tariff"), .boolean, .readWrite,
        source: .stored(default: "true"))
    public static let costEnabled = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "Enabled", instance: "Cost"), .boolean, .readWrite,
        source: .stored(default: "true"))
    /// The ISO 4217 currency of the costs the CSMS sends.
    public static let currency = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "Currency"), .string(maximumLength: 3), .readWrite,
        source: .stored(default: "EUR"))
    /// Shown to a driver the CSMS gave no tariff of their own (no personal message), offline included [I01].
    public static let tariffFallbackMessage = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "TariffFallbackMessage"), .string(maximumLength: 255), .readWrite,
        source: .stored(default: ""))
    /// Shown once a transaction has ended without the CSMS's total cost, e.g. while offline [I03].
    public static let totalCostFallbackMessage = VariableDescriptor(
        VariableAddress(tariffCostCtrlr, "TotalCostFallbackMessage"), .string(maximumLength: 255), .readWrite,
        source: .stored(default: ""))
    /// Offline for longer than this: StatusNotification for every connector on reconnect [B04.FR.01].
    public static let offlineThreshold = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "OfflineThreshold"), .integer(minimum: 0), .readWrite, unit: "s",
        source: .stored(default: "60"))
    /// 0 sends no pings; a negative value is refused [P4] §8.4.
    public static let webSocketPingInterval = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "WebSocketPingInterval"), .integer(minimum: 0), .readWrite, unit: "s",
        source: .stored(default: "30"))

    /// The reconnect back-off of [P4] §5.3: the first reconnect waits WaitMinimum plus up to RandomRange,
    /// each failure doubles the wait, RepeatTimes times at most. The link follows a change at once; the
    /// limits keep the longest wait within what a clock can count.
    public static let retryBackOffWaitMinimum = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "RetryBackOffWaitMinimum"), .integer(minimum: 0, maximum: 3600), .readWrite,
        unit: "s", source: .stored(default: "2"))
    public static let retryBackOffRandomRange = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "RetryBackOffRandomRange"), .integer(minimum: 0, maximum: 3600), .readWrite,
        unit: "s", source: .stored(default: "2"))
    public static let retryBackOffRepeatTimes = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "RetryBackOffRepeatTimes"), .integer(minimum: 0, maximum: 20), .readWrite,
        source: .stored(default: "5"))

    /// A TransactionEvent the CSMS fails to process (a CALLERROR, no answer in time) is sent again after
    /// Interval × the transmissions so far, Attempts transmissions in all; then it is discarded [E13].
    public static let messageAttemptsTransactionEvent = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "MessageAttempts", instance: "TransactionEvent"), .integer(minimum: 1, maximum: 100),
        .readWrite, source: .stored(default: "3"))
    public static let messageAttemptIntervalTransactionEvent = VariableDescriptor(
        VariableAddress(ocppCommCtrlr, "MessageAttemptInterval", instance: "TransactionEvent"),
        .integer(minimum: 0, maximum: 3600), .readWrite, unit: "s", source: .stored(default: "60"))

    /// How many items and bytes one GetReport, GetVariables or SetVariables may carry; beyond them the
    /// request is refused with a CALLERROR (OccurrenceConstraintViolation, FormatViolation) [B06.FR.16/17,
    /// B08.FR.17/18; SetVariables alike].
    public static let itemsPerMessageGetReport = itemsPerMessage("GetReport")
    public static let itemsPerMessageGetVariables = itemsPerMessage("GetVariables")
    public static let itemsPerMessageSetVariables = itemsPerMessage("SetVariables")
    public static let bytesPerMessageGetReport = bytesPerMessage("GetReport")
    public static let bytesPerMessageGetVariables = bytesPerMessage("GetVariables")
    public static let bytesPerMessageSetVariables = bytesPerMessage("SetVariables")

    /// A message's bounds: DeviceDataCtrlr's for the device model, a controller's own for its messages
    /// (MonitoringCtrlr's for SetVariableMonitoring).
    static func itemsPerMessage(_ message: String, of component: ComponentAddress = deviceDataCtrlr) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(component, "ItemsPerMessage", instance: message), .integer(minimum: 1), .readOnly,
            source: .stored(default: "100"))
    }

    static func bytesPerMessage(_ message: String, of component: ComponentAddress = deviceDataCtrlr) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(component, "BytesPerMessage", instance: message), .integer(minimum: 1), .readOnly,
            source: .stored(default: "65536"))
    }

    public static let dateTime = VariableDescriptor(
        VariableAddress(clockCtrlr, "DateTime"), .dateTime, .readOnly, source: .live(.dateTime))
    /// Heartbeat is the one time source this station has; it is mandatory ([P5] C-23).
    public static let timeSource = VariableDescriptor(
        VariableAddress(clockCtrlr, "TimeSource"), .sequenceList(["Heartbeat"]), .readWrite,
        source: .stored(default: "Heartbeat"))

    /// Offline, what the local list or the cache knows of a token decides [C13].
    public static let localAuthorizeOffline = VariableDescriptor(
        VariableAddress(authCtrlr, "LocalAuthorizeOffline"), .boolean, .readWrite, source: .stored(default: "true"))
    /// Online, a token the local list or the cache holds as Accepted needs no AuthorizeRequest [C12.FR.02, C14.FR.02].
    public static let localPreAuthorize = VariableDescriptor(
        VariableAddress(authCtrlr, "LocalPreAuthorize"), .boolean, .readWrite, source: .stored(default: "true"))

    /// False: tokens need no authorization; a start is granted at once [C01], the TransactionEvent still
    /// carries the token for the CSMS.
    public static let authEnabled = VariableDescriptor(
        VariableAddress(authCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    /// Offline, a token that neither the local list nor the cache knows starts a transaction; the CSMS
    /// judges it when the events are delivered [C15].
    public static let offlineTxForUnknownIdEnabled = VariableDescriptor(
        VariableAddress(authCtrlr, "OfflineTxForUnknownIdEnabled"), .boolean, .readWrite, source: .stored(default: "false"))
    /// True: a RequestStartTransaction's token is authorized as a local one would be before the transaction
    /// may start; false: the CSMS, which sent it, checks it in the TransactionEvent [F01.FR.01–03].
    public static let authorizeRemoteStart = VariableDescriptor(
        VariableAddress(authCtrlr, "AuthorizeRemoteStart"), .boolean, .readWrite, source: .stored(default: "false"))

    public static let authCacheAvailable = VariableDescriptor(
        VariableAddress(authCacheCtrlr, "Available"), .boolean, .readOnly, source: .stored(default: "true"))
    /// False: nothing is cached or read from the cache, and ClearCache is Rejected [C11.FR.04].
    public static let authCacheEnabled = VariableDescriptor(
        VariableAddress(authCacheCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    /// How long an entry without cacheExpiryDateTime stays valid after its last update [C10.FR.08].
    public static let authCacheLifeTime = VariableDescriptor(
        VariableAddress(authCacheCtrlr, "LifeTime"), .integer(minimum: 1), .readWrite, unit: "s",
        source: .stored(default: "86400"))

    /// False: the list is not consulted, GetLocalListVersion says 0 [D02.FR.03] and SendLocalList is Failed.
    public static let localAuthListEnabled = VariableDescriptor(
        VariableAddress(localAuthListCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    /// How many tokens one SendLocalList may carry, and how many bytes; beyond them the request is refused
    /// with a CALLERROR, as for the DeviceDataCtrlr limits.
    public static let itemsPerMessageSendLocalList = VariableDescriptor(
        VariableAddress(localAuthListCtrlr, "ItemsPerMessage"), .integer(minimum: 1), .readOnly,
        source: .stored(default: "250"))
    public static let bytesPerMessageSendLocalList = VariableDescriptor(
        VariableAddress(localAuthListCtrlr, "BytesPerMessage"), .integer(minimum: 1), .readOnly,
        source: .stored(default: "65536"))

    /// What starts and what ends a transaction ([E01], [P2] E §1.1): 1.6's behaviour by default — a
    /// transaction begins when the EV is connected and authorized, and ends when either ends.
    public static let txStartPoint = VariableDescriptor(
        VariableAddress(txCtrlr, "TxStartPoint"), .memberList(TxPoint.allCases.map(\.rawValue)), .readWrite,
        source: .stored(default: "PowerPathClosed"))
    public static let txStopPoint = VariableDescriptor(
        VariableAddress(txCtrlr, "TxStopPoint"), .memberList(TxPoint.allCases.map(\.rawValue)), .readWrite,
        source: .stored(default: "EVConnected,Authorized"))
    /// How long an authorization waits for the EV's cable before it is given up [E03.FR.05].
    public static let evConnectionTimeOut = VariableDescriptor(
        VariableAddress(txCtrlr, "EVConnectionTimeOut"), .integer(minimum: 1), .readWrite, unit: "s",
        source: .stored(default: "120"))
    /// The EV pulling the cable ends the authorization, so the transaction ends [E09]; the simulated cable
    /// has no other behaviour.
    public static let stopTxOnEVSideDisconnect = VariableDescriptor(
        VariableAddress(txCtrlr, "StopTxOnEVSideDisconnect"), .boolean, .readOnly, source: .stored(default: "true"))
    /// A token the CSMS refuses in a TransactionEvent answer ends the authorization (true) or only stops
    /// the energy (false) [E05].
    public static let stopTxOnInvalidId = VariableDescriptor(
        VariableAddress(txCtrlr, "StopTxOnInvalidId"), .boolean, .readWrite, source: .stored(default: "true"))

    /// The measurands of the Started, Updated and Ended events ([J02]), and how often Updated and Ended
    /// sample them (0: Updated never, Ended only at start and end).
    public static let txStartedMeasurands = measurands("TxStartedMeasurands", default: "Energy.Active.Import.Register")
    public static let txUpdatedMeasurands = measurands(
        "TxUpdatedMeasurands", default: "Energy.Active.Import.Register,Power.Active.Import")
    public static let txEndedMeasurands = measurands("TxEndedMeasurands", default: "Energy.Active.Import.Register")
    public static let txUpdatedInterval = VariableDescriptor(
        VariableAddress(sampledDataCtrlr, "TxUpdatedInterval"), .integer(minimum: 0), .readWrite, unit: "s",
        source: .stored(default: "60"))
    public static let txEndedInterval = VariableDescriptor(
        VariableAddress(sampledDataCtrlr, "TxEndedInterval"), .integer(minimum: 0), .readWrite, unit: "s",
        source: .stored(default: "0"))

    /// Clock-aligned readings ([J01]): every Interval seconds from midnight UTC, MeterValues for an EVSE
    /// without a transaction and an Updated (MeterValueClock) for one with; TxEndedMeasurands every
    /// TxEndedInterval into the Ended event. 0 turns either off, and both start off, as 1.6's
    /// ClockAlignedDataInterval does: the CSMS chooses its grid. SendDuringIdle sends them only while no
    /// transaction runs [J01.FR.19/20].
    public static let alignedMeasurands = measurands("Measurands", of: alignedDataCtrlr, default: "Energy.Active.Import.Register")
    public static let alignedInterval = VariableDescriptor(
        VariableAddress(alignedDataCtrlr, "Interval"), .integer(minimum: 0, maximum: 86_400), .readWrite, unit: "s",
        source: .stored(default: "0"))
    public static let alignedTxEndedMeasurands = measurands(
        "TxEndedMeasurands", of: alignedDataCtrlr, default: "Energy.Active.Import.Register")
    public static let alignedTxEndedInterval = VariableDescriptor(
        VariableAddress(alignedDataCtrlr, "TxEndedInterval"), .integer(minimum: 0, maximum: 86_400), .readWrite,
        unit: "s", source: .stored(default: "0"))
    public static let alignedSendDuringIdle = VariableDescriptor(
        VariableAddress(alignedDataCtrlr, "SendDuringIdle"), .boolean, .readWrite, source: .stored(default: "false"))

    private static func measurands(
        _ name: String, of component: ComponentAddress = sampledDataCtrlr, default initial: String
    ) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(component, name), .memberList(MeterReading.supported.map(\.rawValue)), .readWrite,
            source: .stored(default: initial))
    }

    /// Reservations ([H01]–[H04]): supported, on by default; false refuses every ReserveNow [H01.FR.01] and
    /// keeps the reservations already made. NonEvseSpecific: a reservation may leave the EVSE to the station
    /// [H01.FR.18/19], which this station supports.
    public static let reservationAvailable = VariableDescriptor(
        VariableAddress(reservationCtrlr, "Available"), .boolean, .readOnly, source: .stored(default: "true"))
    public static let reservationEnabled = VariableDescriptor(
        VariableAddress(reservationCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    public static let reservationNonEvseSpecific = VariableDescriptor(
        VariableAddress(reservationCtrlr, "NonEvseSpecific"), .boolean, .readOnly, source: .stored(default: "true"))

    /// The security profile of the network profile in use [A00]: `--security-profile` for slot 1, a stored
    /// profile's own otherwise.
    public static let securityProfile = VariableDescriptor(
        VariableAddress(securityCtrlr, "SecurityProfile"), .integer(minimum: 0, maximum: 3), .readOnly,
        source: .live(.securityProfile))

    /// The Basic-auth password of profiles 1 and 2 [A00.FR.2xx, A01]: never read back [B06.FR.09]; the
    /// installer's (`--auth-key-file`) until the CSMS sets one.
    static func basicAuthPassword(_ installed: String?) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(securityCtrlr, "BasicAuthPassword"), .string(maximumLength: SecurityCredentials.passwordLengths.upperBound),
            .writeOnly, source: .stored(default: installed ?? ""))
    }

    /// The O= of the certificate signing requests; the installer's organisation.
    public static let organizationName = VariableDescriptor(
        VariableAddress(securityCtrlr, "OrganizationName"), .string(maximumLength: 50), .readWrite,
        source: .stored(default: ""))

    /// How many roots InstallCertificate installed; its maxLimit is how many it can install [M05.FR.05].
    static func certificateEntries(capacity: Int) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(securityCtrlr, "CertificateEntries"), .integer(minimum: 0, maximum: capacity), .readOnly,
            source: .live(.certificateEntries))
    }

    /// False: a new CSMS root need not be signed by the one it joins, and no fallback root is kept [M05.FR.09].
    public static let additionalRootCertificateCheck = VariableDescriptor(
        VariableAddress(securityCtrlr, "AdditionalRootCertificateCheck"), .boolean, .readOnly,
        source: .stored(default: "false"))

    /// The longest CertificateSigned chain, in bytes, the station takes [A02.FR.16]; at most the schema's bound.
    static func maxCertificateChainSize(_ bytes: Int) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(securityCtrlr, "MaxCertificateChainSize"), .integer(minimum: 0, maximum: 10_000), .readOnly,
            source: .stored(default: String(bytes)))
    }

    /// How long the station waits for CertificateSigned before it sends its CSR again, doubling the wait each
    /// time, and how many times it does [A02.FR.17–19]. Bounded so that the doubled waits stay in range.
    public static let certSigningWaitMinimum = VariableDescriptor(
        VariableAddress(securityCtrlr, "CertSigningWaitMinimum"), .integer(minimum: 1, maximum: 86_400), .readWrite,
        unit: "s", source: .stored(default: "30"))
    public static let certSigningRepeatTimes = VariableDescriptor(
        VariableAddress(securityCtrlr, "CertSigningRepeatTimes"), .integer(minimum: 0, maximum: 20), .readWrite,
        source: .stored(default: "2"))

    /// Display messages ([O01]–[O06]). Available is the station's fact; Enabled false leaves the display blank
    /// and refuses new messages, keeping the stored ones.
    public static let displayMessageCtrlrAvailable = VariableDescriptor(
        VariableAddress(displayMessageCtrlr, "Available"), .boolean, .readOnly, source: .stored(default: "true"))
    public static let displayMessageCtrlrEnabled = VariableDescriptor(
        VariableAddress(displayMessageCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    /// What SetDisplayMessage accepts [O01.FR.01–03]. The page shows text and links, never HTML from the
    /// CSMS, so HTML is not among the formats. ReadWrite, unlike [P2A]'s ReadOnly: a simulator plays stations
    /// of any capability, and narrowing a list (`--ocpp-config`, the API, SetVariables) makes one that lacks
    /// a priority, state or format, as TC_O_17–19 need.
    public static let displaySupportedFormats = VariableDescriptor(
        VariableAddress(displayMessageCtrlr, "SupportedFormats"),
        .memberList([MessageFormat.ascii, .utf8, .uri].map(\.rawValue)), .readWrite,
        source: .stored(default: "ASCII,UTF8,URI"))
    public static let displaySupportedPriorities = VariableDescriptor(
        VariableAddress(displayMessageCtrlr, "SupportedPriorities"), .memberList(MessagePriority.allCases.map(\.rawValue)),
        .readWrite, source: .stored(default: MessagePriority.allCases.map(\.rawValue).joined(separator: ",")))
    /// Not in 2.0.1's list of DisplayMessageCtrlr variables (OCPP 2.1 and libocpp have it), yet NotSupportedState
    /// needs a list to be checked against [O01.FR.02].
    public static let displaySupportedStates = VariableDescriptor(
        VariableAddress(displayMessageCtrlr, "SupportedStates"), .memberList(MessageState.allCases.map(\.rawValue)),
        .readWrite, source: .stored(default: MessageState.allCases.map(\.rawValue).joined(separator: ",")))
    /// The longest personal message of an IdTokenInfo the station keeps: 0, it keeps none (yet).
    public static let personalMessageSize = VariableDescriptor(
        VariableAddress(displayMessageCtrlr, "PersonalMessageSize"), .integer(minimum: 0), .readOnly,
        source: .stored(default: "0"))

    /// How many messages are stored; its maxLimit is how many can be [O01.FR.11].
    static func displayMessages(capacity: Int) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(displayMessageCtrlr, "DisplayMessages"), .integer(minimum: 0, maximum: capacity), .readOnly,
            source: .live(.displayMessages))
    }

    /// The station's identity, as the websocket URL ends with it.
    static func identity(_ identity: String) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(securityCtrlr, "Identity"), .string(maximumLength: 48), .readOnly,
            source: .stored(default: identity))
    }

    /// How many tokens the local list holds; its maxLimit is how many it can hold.
    static func localListEntries(capacity: Int) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(localAuthListCtrlr, "Entries"), .integer(minimum: 0, maximum: capacity), .readOnly,
            source: .live(.localListEntries))
    }

    /// Every variable of the station `identity` with `evseCount` EVSEs of one connector each, in report order.
    public static func catalogue(
        identity: String, evseCount: Int, maximumPowerW: Double, localListCapacity: Int, displayMessageCapacity: Int,
        certificateCapacity: Int = 20, maxCertificateChainSize: Int = 10_000, basicAuthPassword installed: String? = nil
    ) -> [VariableDescriptor] {
        var all: [VariableDescriptor] = [
            heartbeatInterval, messageTimeout, networkConfigurationPriority, networkProfileConnectionAttempts,
            activeNetworkProfile, offlineThreshold, webSocketPingInterval, retryBackOffWaitMinimum,
            retryBackOffRandomRange, retryBackOffRepeatTimes, messageAttemptsTransactionEvent,
            messageAttemptIntervalTransactionEvent,
            itemsPerMessageGetReport, itemsPerMessageGetVariables, itemsPerMessageSetVariables,
            bytesPerMessageGetReport, bytesPerMessageGetVariables, bytesPerMessageSetVariables,
            dateTime, timeSource,
            authEnabled, localAuthorizeOffline, localPreAuthorize, offlineTxForUnknownIdEnabled, authorizeRemoteStart,
            authCacheAvailable, authCacheEnabled, authCacheLifeTime,
            localAuthListEnabled, localListEntries(capacity: localListCapacity), itemsPerMessageSendLocalList,
            bytesPerMessageSendLocalList,
            txStartPoint, txStopPoint, evConnectionTimeOut, stopTxOnEVSideDisconnect, stopTxOnInvalidId,
            txStartedMeasurands, txUpdatedMeasurands, txEndedMeasurands, txUpdatedInterval, txEndedInterval,
            alignedMeasurands, alignedInterval, alignedTxEndedMeasurands, alignedTxEndedInterval, alignedSendDuringIdle,
            reservationAvailable, reservationEnabled, reservationNonEvseSpecific,
            tariffAvailable, costAvailable, tariffEnabled, costEnabled, currency, tariffFallbackMessage,
            totalCostFallbackMessage,
            securityProfile, Self.identity(identity), basicAuthPassword(installed), organizationName,
            certificateEntries(capacity: certificateCapacity), additionalRootCertificateCheck,
            Self.maxCertificateChainSize(maxCertificateChainSize),
            certSigningWaitMinimum, certSigningRepeatTimes,
            displayMessageCtrlrAvailable, displayMessageCtrlrEnabled, displayMessages(capacity: displayMessageCapacity),
            personalMessageSize, displaySupportedFormats, displaySupportedPriorities, displaySupportedStates,
            fileTransferProtocols, allowNewSessionsPendingFirmwareUpdate,
        ]
        all += smartChargingVariables
        all += monitoringVariables
        all += tier(chargingStation)
        for evseId in 1...max(1, evseCount) {
            let evse = ComponentAddress("EVSE", evseId: evseId)
            all += tier(evse)
            all.append(VariableDescriptor(
                VariableAddress(evse, "AllowReset"), .boolean, .readOnly, source: .stored(default: "true")))
            all.append(VariableDescriptor(
                VariableAddress(evse, "Power"), .decimal(minimum: 0, maximum: maximumPowerW), .readOnly, unit: "W",
                source: .live(.power)))
            all.append(VariableDescriptor(VariableAddress(evse, "Problem"), .boolean, .readOnly, source: .live(.problem)))
            all += tier(ComponentAddress("Connector", evseId: evseId, connectorId: 1))
            all.append(connectorType(evseId: evseId))
        }
        return all
    }

    /// The plug of EVSE `evseId`'s connector, which a reservation may ask for [H01.FR.06].
    static func connectorType(evseId: Int) -> VariableDescriptor {
        VariableDescriptor(
            VariableAddress(ComponentAddress("Connector", evseId: evseId, connectorId: 1), "ConnectorType"),
            .string(maximumLength: 20), .readOnly, source: .stored(default: ConnectorType.cType2.rawValue))
    }

    /// What the station, each EVSE and each connector report about themselves [P2] §Referenced Components.
    private static func tier(_ component: ComponentAddress) -> [VariableDescriptor] {
        [
            VariableDescriptor(
                VariableAddress(component, "AvailabilityState"),
                .optionList(ConnectorStatus.allCases.map(\.rawValue)), .readOnly, source: .live(.availabilityState)),
            VariableDescriptor(VariableAddress(component, "Available"), .boolean, .readOnly, source: .stored(default: "true")),
            VariableDescriptor(
                VariableAddress(component, "SupplyPhases"), .integer(minimum: 0, maximum: 3), .readOnly,
                source: .stored(default: "3")),
        ]
    }
}
