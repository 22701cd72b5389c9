/// Structures shared by several 2.0.1 messages ([SCH] `<Name>Type`). Members are declared in schema order, which is
/// the order they are written in. Every type accepts and ignores `customData` (`CustomDataExtensible`).

/// [SCH] EVSEType. The schema sets no minimum on `id`; that EVSEs count from 1 is a business rule [P1 §7].
public struct EVSE: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int
    public var connectorId: Int?

    public init(id: Int, connectorId: Int? = nil) {
        self.id = id
        self.connectorId = connectorId
    }
}

extension EVSE: JSONObject, JSONFastDecodable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("id", id)
        object.member("connectorId", connectorId)
    }

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let id = fields.integer("id"),
              let connectorId = fields.optional("connectorId", { $0.integer($1) }),
              fields.isFullyRead
        else { return nil }
        self.init(id: id, connectorId: connectorId)
    }
}

/// [SCH] AdditionalInfoType: a second identifier that travels with an idToken, e.g. a contract behind an RFID card.
public struct AdditionalInfo: Codable, Sendable, Equatable, CustomDataExtensible {
    public var additionalIdToken: CiString<36>
    /// Free text; the schema does not enumerate it.
    public var type: CiString<50>

    public init(additionalIdToken: CiString<36>, type: CiString<50>) {
        self.additionalIdToken = additionalIdToken
        self.type = type
    }
}

/// [SCH] IdTokenType. Two tokens are equal for authorization when `idToken` (case-insensitively) and `type` match;
/// `additionalInfo` does not take part [C01.FR.25], so Swift's `==` (every member, case-sensitive) is not that test.
public struct IdToken: Codable, Sendable, Equatable, CustomDataExtensible {
    public var additionalInfo: [AdditionalInfo]?
    public var idToken: CiString<36>
    public var type: IdTokenEnumType

    public init(idToken: CiString<36>, type: IdTokenEnumType, additionalInfo: [AdditionalInfo]? = nil) {
        self.additionalInfo = additionalInfo
        self.idToken = idToken
        self.type = type
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        additionalInfo = try container.decodeItemsIfPresent([AdditionalInfo].self, forKey: .additionalInfo)
        idToken = try container.decode(CiString<36>.self, forKey: .idToken)
        type = try container.decode(IdTokenEnumType.self, forKey: .type)
    }
}

/// [SCH] MessageContentType: text for the driver's display, in a format and language the station may not support.
public struct MessageContent: Codable, Sendable, Equatable, CustomDataExtensible {
    public var format: MessageFormat
    public var language: CiString<8>?
    public var content: CiString<512>

    public init(format: MessageFormat, language: CiString<8>? = nil, content: CiString<512>) {
        self.format = format
        self.language = language
        self.content = content
    }
}

/// [SCH] IdTokenInfoType: the CSMS's verdict on a token and how long the station may cache it. The schema bounds
/// neither `chargingPriority` nor the EVSE ids; the −9…9 range is the specification's text.
public struct IdTokenInfo: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: AuthorizationStatus
    public var cacheExpiryDateTime: Timestamp?
    public var chargingPriority: Int?
    public var language1: CiString<8>?
    /// The EVSEs the token may use; absent means all.
    public var evseId: [Int]?
    public var groupIdToken: IdToken?
    public var language2: CiString<8>?
    public var personalMessage: MessageContent?

    public init(
        status: AuthorizationStatus, cacheExpiryDateTime: Timestamp? = nil, chargingPriority: Int? = nil,
        language1: CiString<8>? = nil, evseId: [Int]? = nil, groupIdToken: IdToken? = nil,
        language2: CiString<8>? = nil, personalMessage: MessageContent? = nil
    ) {
        self.status = status
        self.cacheExpiryDateTime = cacheExpiryDateTime
        self.chargingPriority = chargingPriority
        self.language1 = language1
        self.evseId = evseId
        self.groupIdToken = groupIdToken
        self.language2 = language2
        self.personalMessage = personalMessage
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(AuthorizationStatus.self, forKey: .status)
        cacheExpiryDateTime = try container.decodeIfPresent(Timestamp.self, forKey: .cacheExpiryDateTime)
        chargingPriority = try container.decodeIfPresent(Int.self, forKey: .chargingPriority)
        language1 = try container.decodeIfPresent(CiString<8>.self, forKey: .language1)
        evseId = try container.decodeItemsIfPresent([Int].self, forKey: .evseId)
        groupIdToken = try container.decodeIfPresent(IdToken.self, forKey: .groupIdToken)
        language2 = try container.decodeIfPresent(CiString<8>.self, forKey: .language2)
        personalMessage = try container.decodeIfPresent(MessageContent.self, forKey: .personalMessage)
    }
}

/// [SCH] AuthorizationData: one entry of the local authorization list; without `idTokenInfo` a differential update
/// removes the token [D01.FR.16/17].
public struct AuthorizationData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var idToken: IdToken
    public var idTokenInfo: IdTokenInfo?

    public init(idToken: IdToken, idTokenInfo: IdTokenInfo? = nil) {
        self.idToken = idToken
        self.idTokenInfo = idTokenInfo
    }
}

/// [SCH] OCSPRequestDataType: lets the CSMS check an ISO 15118 contract certificate's revocation for the station.
public struct OCSPRequestData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var hashAlgorithm: HashAlgorithm
    public var issuerNameHash: CiString<128>
    public var issuerKeyHash: CiString<128>
    public var serialNumber: CiString<40>
    public var responderURL: CiString<512>

    public init(
        hashAlgorithm: HashAlgorithm, issuerNameHash: CiString<128>, issuerKeyHash: CiString<128>,
        serialNumber: CiString<40>, responderURL: CiString<512>
    ) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
        self.responderURL = responderURL
    }
}

/// [SCH] StatusInfoType: the machine-readable reason behind a status ([P2A] reason codes), for the CSMS's logs.
public struct StatusInfo: Codable, Sendable, Equatable, CustomDataExtensible {
    public var reasonCode: CiString<20>
    public var additionalInfo: CiString<512>?

    public init(reasonCode: CiString<20>, additionalInfo: CiString<512>? = nil) {
        self.reasonCode = reasonCode
        self.additionalInfo = additionalInfo
    }
}

extension StatusInfo: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("reasonCode", reasonCode)
        object.member("additionalInfo", additionalInfo)
    }
}

/// [SCH] SignedMeterValueType: the meter's own signed reading, passed through for the driver to verify.
public struct SignedMeterValue: Codable, Sendable, Equatable, CustomDataExtensible {
    public var signedMeterData: CiString<2500>
    public var signingMethod: CiString<50>
    public var encodingMethod: CiString<50>
    public var publicKey: CiString<2500>

    public init(
        signedMeterData: CiString<2500>, signingMethod: CiString<50>, encodingMethod: CiString<50>,
        publicKey: CiString<2500>
    ) {
        self.signedMeterData = signedMeterData
        self.signingMethod = signingMethod
        self.encodingMethod = encodingMethod
        self.publicKey = publicKey
    }
}

/// [SCH] UnitOfMeasureType. Absent members mean the schema defaults, `Wh` and multiplier 0; the unit is free text
/// ([P2A] lists the usual ones), the value is scaled by 10^multiplier.
public struct UnitOfMeasure: Codable, Sendable, Equatable, CustomDataExtensible {
    public var unit: CiString<20>?
    public var multiplier: Int?

    public init(unit: CiString<20>? = nil, multiplier: Int? = nil) {
        self.unit = unit
        self.multiplier = multiplier
    }
}

/// [SCH] SampledValueType. `value` is a JSON number in 2.0.1 (1.6 sent a string).
public struct SampledValue: Codable, Sendable, Equatable, CustomDataExtensible {
    public var value: Double
    public var context: ReadingContext?
    public var measurand: Measurand?
    public var phase: Phase?
    public var location: Location?
    public var signedMeterValue: SignedMeterValue?
    public var unitOfMeasure: UnitOfMeasure?

    public init(
        value: Double, context: ReadingContext? = nil, measurand: Measurand? = nil, phase: Phase? = nil,
        location: Location? = nil, signedMeterValue: SignedMeterValue? = nil, unitOfMeasure: UnitOfMeasure? = nil
    ) {
        self.value = value
        self.context = context
        self.measurand = measurand
        self.phase = phase
        self.location = location
        self.signedMeterValue = signedMeterValue
        self.unitOfMeasure = unitOfMeasure
    }
}

/// [SCH] MeterValueType: samples taken at one instant; the timestamp applies to all of them [J01.FR.17].
public struct MeterValue: Codable, Sendable, Equatable, CustomDataExtensible {
    public var sampledValue: [SampledValue]
    public var timestamp: Timestamp

    public init(sampledValue: [SampledValue], timestamp: Timestamp) {
        self.sampledValue = sampledValue
        self.timestamp = timestamp
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sampledValue = try container.decodeItems([SampledValue].self, forKey: .sampledValue)
        timestamp = try container.decode(Timestamp.self, forKey: .timestamp)
    }
}

/// [SCH] TransactionType: the station-made transaction id ([E01.FR.08]: never reused) and its current state.
public struct Transaction: Codable, Sendable, Equatable, CustomDataExtensible {
    public var transactionId: CiString<36>
    public var chargingState: ChargingState?
    /// Seconds of actual energy transfer so far.
    public var timeSpentCharging: Int?
    public var stoppedReason: Reason?
    /// The RequestStartTransaction that began it, so the CSMS can match its remote start [F01.FR.25].
    public var remoteStartId: Int?

    public init(
        transactionId: CiString<36>, chargingState: ChargingState? = nil, timeSpentCharging: Int? = nil,
        stoppedReason: Reason? = nil, remoteStartId: Int? = nil
    ) {
        self.transactionId = transactionId
        self.chargingState = chargingState
        self.timeSpentCharging = timeSpentCharging
        self.stoppedReason = stoppedReason
        self.remoteStartId = remoteStartId
    }
}

/// [SCH] ModemType: identifies the SIM the station connects through.
public struct Modem: Codable, Sendable, Equatable, CustomDataExtensible {
    public var iccid: CiString<20>?
    public var imsi: CiString<20>?

    public init(iccid: CiString<20>? = nil, imsi: CiString<20>? = nil) {
        self.iccid = iccid
        self.imsi = imsi
    }
}

/// [SCH] ChargingStationType: BootNotification's description of the station. Under security profile 3 the CSMS
/// compares `serialNumber` with the client certificate's CN [B01.FR.11].
public struct ChargingStation: Codable, Sendable, Equatable, CustomDataExtensible {
    public var serialNumber: CiString<25>?
    public var model: CiString<20>
    public var modem: Modem?
    public var vendorName: CiString<50>
    public var firmwareVersion: CiString<50>?

    public init(
        model: CiString<20>, vendorName: CiString<50>, serialNumber: CiString<25>? = nil, modem: Modem? = nil,
        firmwareVersion: CiString<50>? = nil
    ) {
        self.serialNumber = serialNumber
        self.model = model
        self.modem = modem
        self.vendorName = vendorName
        self.firmwareVersion = firmwareVersion
    }
}

/// [SCH] APNType: mobile network access for a connection profile.
public struct APN: Codable, Sendable, Equatable, CustomDataExtensible {
    public var apn: CiString<512>
    public var apnUserName: CiString<20>?
    public var apnPassword: CiString<20>?
    public var simPin: Int?
    public var preferredNetwork: CiString<6>?
    /// Absent means false (the schema default).
    public var useOnlyPreferredNetwork: Bool?
    public var apnAuthentication: APNAuthentication

    public init(
        apn: CiString<512>, apnUserName: CiString<20>? = nil, apnPassword: CiString<20>? = nil, simPin: Int? = nil,
        preferredNetwork: CiString<6>? = nil, useOnlyPreferredNetwork: Bool? = nil,
        apnAuthentication: APNAuthentication
    ) {
        self.apn = apn
        self.apnUserName = apnUserName
        self.apnPassword = apnPassword
        self.simPin = simPin
        self.preferredNetwork = preferredNetwork
        self.useOnlyPreferredNetwork = useOnlyPreferredNetwork
        self.apnAuthentication = apnAuthentication
    }
}

/// [SCH] VPNType: a VPN the station must bring up before connecting with a profile.
public struct VPN: Codable, Sendable, Equatable, CustomDataExtensible {
    public var server: CiString<512>
    public var user: CiString<20>
    public var group: CiString<20>?
    public var password: CiString<20>
    public var key: CiString<255>
    public var type: VPNEnumType

    public init(
        server: CiString<512>, user: CiString<20>, group: CiString<20>? = nil, password: CiString<20>,
        key: CiString<255>, type: VPNEnumType
    ) {
        self.server = server
        self.user = user
        self.group = group
        self.password = password
        self.key = key
        self.type = type
    }
}

/// [SCH] NetworkConnectionProfileType: how to reach a CSMS, stored in a configuration slot [B09]. `ocppCsmsUrl`
/// excludes the station's identity, which the station appends.
public struct NetworkConnectionProfile: Codable, Sendable, Equatable, CustomDataExtensible {
    public var apn: APN?
    public var ocppVersion: OCPPVersionEnumType
    public var ocppTransport: OCPPTransport
    public var ocppCsmsUrl: CiString<512>
    /// Seconds to wait for a CALLRESULT before giving up on a CALL.
    public var messageTimeout: Int
    public var securityProfile: Int
    public var ocppInterface: OCPPInterface
    public var vpn: VPN?

    public init(
        apn: APN? = nil, ocppVersion: OCPPVersionEnumType, ocppTransport: OCPPTransport, ocppCsmsUrl: CiString<512>,
        messageTimeout: Int, securityProfile: Int, ocppInterface: OCPPInterface, vpn: VPN? = nil
    ) {
        self.apn = apn
        self.ocppVersion = ocppVersion
        self.ocppTransport = ocppTransport
        self.ocppCsmsUrl = ocppCsmsUrl
        self.messageTimeout = messageTimeout
        self.securityProfile = securityProfile
        self.ocppInterface = ocppInterface
        self.vpn = vpn
    }
}

/// [SCH] MessageInfoType: one display message as the CSMS sets it and the station reports it back. `display`
/// names the display it is meant for; this station has one and keeps the member only to report it.
public struct MessageInfo: Codable, Sendable, Equatable, CustomDataExtensible {
    public var display: Component?
    public var id: Int
    public var priority: MessagePriority
    public var state: MessageState?
    public var startDateTime: Timestamp?
    public var endDateTime: Timestamp?
    /// Shown only during this transaction, and removed when it ends [O02.FR.02].
    public var transactionId: CiString<36>?
    public var message: MessageContent

    public init(
        display: Component? = nil, id: Int, priority: MessagePriority, state: MessageState? = nil,
        startDateTime: Timestamp? = nil, endDateTime: Timestamp? = nil, transactionId: CiString<36>? = nil,
        message: MessageContent
    ) {
        self.display = display
        self.id = id
        self.priority = priority
        self.state = state
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
        self.transactionId = transactionId
        self.message = message
    }
}

/// [SCH] CertificateHashDataType: names a certificate by its issuer (name and key hashed with `hashAlgorithm`)
/// and its serial number, as OCSP's CertID does.
public struct CertificateHashData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var hashAlgorithm: HashAlgorithm
    public var issuerNameHash: CiString<128>
    public var issuerKeyHash: CiString<128>
    public var serialNumber: CiString<40>

    public init(
        hashAlgorithm: HashAlgorithm, issuerNameHash: CiString<128>, issuerKeyHash: CiString<128>,
        serialNumber: CiString<40>
    ) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
    }
}

/// [SCH] CertificateHashDataChainType: one installed certificate in GetInstalledCertificateIdsResponse, with the
/// sub-CAs of a V2G chain as children [M03.FR.05].
public struct CertificateHashDataChain: Codable, Sendable, Equatable, CustomDataExtensible {
    public var certificateType: GetCertificateIdUse
    public var certificateHashData: CertificateHashData
    public var childCertificateHashData: [CertificateHashData]?

    public init(
        certificateType: GetCertificateIdUse, certificateHashData: CertificateHashData,
        childCertificateHashData: [CertificateHashData]? = nil
    ) {
        self.certificateType = certificateType
        self.certificateHashData = certificateHashData
        self.childCertificateHashData = childCertificateHashData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        certificateType = try container.decode(GetCertificateIdUse.self, forKey: .certificateType)
        certificateHashData = try container.decode(CertificateHashData.self, forKey: .certificateHashData)
        childCertificateHashData = try container.decodeItemsIfPresent(
            [CertificateHashData].self, forKey: .childCertificateHashData, atMost: 4)
    }
}

// MARK: - Written and read without Codable: what a station sends and reads most (issue 11)

extension AdditionalInfo: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("additionalIdToken", additionalIdToken)
        object.member("type", type)
    }
}

extension IdToken: JSONObject, JSONFastDecodable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("additionalInfo", additionalInfo)
        object.member("idToken", idToken)
        object.member("type", type)
    }

    /// Without `additionalInfo`, which is left to the strict decoder.
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let idToken: CiString<36> = fields.string("idToken"),
              let type: IdTokenEnumType = fields.enumeration("type"),
              fields.isFullyRead
        else { return nil }
        self.init(idToken: idToken, type: type)
    }
}

extension IdTokenInfo: JSONFastDecodable {
    /// Without `personalMessage`, which is left to the strict decoder.
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let status: AuthorizationStatus = fields.enumeration("status"),
              let cacheExpiryDateTime = fields.optional("cacheExpiryDateTime", { $0.timestamp($1) }),
              let chargingPriority = fields.optional("chargingPriority", { $0.integer($1) }),
              let language1 = fields.optional("language1", { $0.string($1) as CiString<8>? }),
              let evseId = fields.optional("evseId", { fields, name in
                  fields.array(name) { item -> Int? in
                      guard case .integer(let value) = item else { return nil }
                      return Int(exactly: value)
                  }.flatMap { $0.isEmpty ? nil : $0 }
              }),
              let groupIdToken = fields.optional("groupIdToken", { $0.object($1) as IdToken? }),
              let language2 = fields.optional("language2", { $0.string($1) as CiString<8>? }),
              fields.isFullyRead
        else { return nil }
        self.init(
            status: status, cacheExpiryDateTime: cacheExpiryDateTime, chargingPriority: chargingPriority,
            language1: language1, evseId: evseId, groupIdToken: groupIdToken, language2: language2)
    }
}

extension SignedMeterValue: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("signedMeterData", signedMeterData)
        object.member("signingMethod", signingMethod)
        object.member("encodingMethod", encodingMethod)
        object.member("publicKey", publicKey)
    }
}

extension UnitOfMeasure: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("unit", unit)
        object.member("multiplier", multiplier)
    }
}

extension SampledValue: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("value", value)
        object.member("context", context)
        object.member("measurand", measurand)
        object.member("phase", phase)
        object.member("location", location)
        object.member("signedMeterValue", signedMeterValue)
        object.member("unitOfMeasure", unitOfMeasure)
    }
}

extension MeterValue: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("sampledValue", sampledValue)
        object.member("timestamp", timestamp)
    }
}

extension Transaction: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("transactionId", transactionId)
        object.member("chargingState", chargingState)
        object.member("timeSpentCharging", timeSpentCharging)
        object.member("stoppedReason", stoppedReason)
        object.member("remoteStartId", remoteStartId)
    }
}
