/// [SCH] TransactionEventRequest: every step of a transaction (Started, Updated, Ended), replacing 1.6's Start-
/// and StopTransaction and its transaction MeterValues. `seqNo` counts the station's events without gaps so the
/// CSMS can spot a lost one.
public struct TransactionEventRequest: OCPPRequest, Equatable {
    public typealias Response = TransactionEventResponse
    public static let action = Action.transactionEvent
    public var eventType: TransactionEventEnumType
    public var meterValue: [MeterValue]?
    public var timestamp: Timestamp
    public var triggerReason: TriggerReason
    public var seqNo: Int
    /// True for an event that happened while the station was offline; absent means false.
    public var offline: Bool?
    public var numberOfPhasesUsed: Int?
    /// Amperes the cable can carry.
    public var cableMaxCurrent: Int?
    /// The reservation this transaction consumes.
    public var reservationId: Int?
    public var transactionInfo: Transaction
    /// Sent once per transaction, in its first event after the EVSE is known.
    public var evse: EVSE?
    /// Sent once per authorization, in the event that follows it.
    public var idToken: IdToken?

    public init(
        eventType: TransactionEventEnumType, meterValue: [MeterValue]? = nil, timestamp: Timestamp,
        triggerReason: TriggerReason, seqNo: Int, offline: Bool? = nil, numberOfPhasesUsed: Int? = nil,
        cableMaxCurrent: Int? = nil, reservationId: Int? = nil, transactionInfo: Transaction, evse: EVSE? = nil,
        idToken: IdToken? = nil
    ) {
        self.eventType = eventType
        self.meterValue = meterValue
        self.timestamp = timestamp
        self.triggerReason = triggerReason
        self.seqNo = seqNo
        self.offline = offline
        self.numberOfPhasesUsed = numberOfPhasesUsed
        self.cableMaxCurrent = cableMaxCurrent
        self.reservationId = reservationId
        self.transactionInfo = transactionInfo
        self.evse = evse
        self.idToken = idToken
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventType = try container.decode(TransactionEventEnumType.self, forKey: .eventType)
        meterValue = try container.decodeItemsIfPresent([MeterValue].self, forKey: .meterValue)
        timestamp = try container.decode(Timestamp.self, forKey: .timestamp)
        triggerReason = try container.decode(TriggerReason.self, forKey: .triggerReason)
        seqNo = try container.decode(Int.self, forKey: .seqNo)
        offline = try container.decodeIfPresent(Bool.self, forKey: .offline)
        numberOfPhasesUsed = try container.decodeIfPresent(Int.self, forKey: .numberOfPhasesUsed)
        cableMaxCurrent = try container.decodeIfPresent(Int.self, forKey: .cableMaxCurrent)
        reservationId = try container.decodeIfPresent(Int.self, forKey: .reservationId)
        transactionInfo = try container.decode(Transaction.self, forKey: .transactionInfo)
        evse = try container.decodeIfPresent(EVSE.self, forKey: .evse)
        idToken = try container.decodeIfPresent(IdToken.self, forKey: .idToken)
    }
}

/// [SCH] TransactionEventResponse: `idTokenInfo` answers an event that carried an idToken.
public struct TransactionEventResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var totalCost: Double?
    public var chargingPriority: Int?
    public var idTokenInfo: IdTokenInfo?
    public var updatedPersonalMessage: MessageContent?

    public init(
        totalCost: Double? = nil, chargingPriority: Int? = nil, idTokenInfo: IdTokenInfo? = nil,
        updatedPersonalMessage: MessageContent? = nil
    ) {
        self.totalCost = totalCost
        self.chargingPriority = chargingPriority
        self.idTokenInfo = idTokenInfo
        self.updatedPersonalMessage = updatedPersonalMessage
    }
}

extension TransactionEventRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("eventType", eventType)
        object.member("meterValue", meterValue)
        object.member("timestamp", timestamp)
        object.member("triggerReason", triggerReason)
        object.member("seqNo", seqNo)
        object.member("offline", offline)
        object.member("numberOfPhasesUsed", numberOfPhasesUsed)
        object.member("cableMaxCurrent", cableMaxCurrent)
        object.member("reservationId", reservationId)
        object.member("transactionInfo", transactionInfo)
        object.member("evse", evse)
        object.member("idToken", idToken)
    }
}

extension TransactionEventResponse: JSONFastDecodable {
    /// Without `updatedPersonalMessage`, which is left to the strict decoder.
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let totalCost = fields.optional("totalCost", { $0.number($1) }),
              let chargingPriority = fields.optional("chargingPriority", { $0.integer($1) }),
              let idTokenInfo = fields.optional("idTokenInfo", { $0.object($1) as IdTokenInfo? }),
              fields.isFullyRead
        else { return nil }
        self.init(totalCost: totalCost, chargingPriority: chargingPriority, idTokenInfo: idTokenInfo)
    }
}
