/// [SCH] RequestStartTransactionRequest. `remoteStartId` comes back in the transaction's TransactionEvent so the
/// CSMS can match the two [F01.FR.25]; `chargingProfile` is a TxProfile for that transaction [F01.FR.09–11].
public struct RequestStartTransactionRequest: OCPPRequest, Equatable {
    public typealias Response = RequestStartTransactionResponse
    public static let action = Action.requestStartTransaction
    public var evseId: Int?
    public var groupIdToken: IdToken?
    public var idToken: IdToken
    public var remoteStartId: Int
    public var chargingProfile: ChargingProfile?

    public init(
        evseId: Int? = nil, groupIdToken: IdToken? = nil, idToken: IdToken, remoteStartId: Int,
        chargingProfile: ChargingProfile? = nil
    ) {
        self.evseId = evseId
        self.groupIdToken = groupIdToken
        self.idToken = idToken
        self.remoteStartId = remoteStartId
        self.chargingProfile = chargingProfile
    }
}

/// [SCH] RequestStartTransactionResponse: `transactionId` names a transaction already running on the EVSE (one
/// started by plugging in before authorization) [F01.FR.13].
public struct RequestStartTransactionResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: RequestStartStopStatus
    public var statusInfo: StatusInfo?
    public var transactionId: CiString<36>?

    public init(status: RequestStartStopStatus, statusInfo: StatusInfo? = nil, transactionId: CiString<36>? = nil) {
        self.status = status
        self.statusInfo = statusInfo
        self.transactionId = transactionId
    }
}
