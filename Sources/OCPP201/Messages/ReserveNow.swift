/// [SCH] ReserveNowRequest: reserves the EVSE `evseId`, or without it any EVSE (with `connectorType`, any with
/// that plug), for `idToken` or a token of `groupIdToken` until `expiryDateTime` [H01]. The same `id` replaces
/// the reservation it names [H01.FR.02].
public struct ReserveNowRequest: OCPPRequest, Equatable {
    public typealias Response = ReserveNowResponse
    public static let action = Action.reserveNow
    public var id: Int
    public var expiryDateTime: Timestamp
    public var connectorType: ConnectorType?
    public var idToken: IdToken
    public var evseId: Int?
    public var groupIdToken: IdToken?

    public init(
        id: Int, expiryDateTime: Timestamp, connectorType: ConnectorType? = nil, idToken: IdToken, evseId: Int? = nil,
        groupIdToken: IdToken? = nil
    ) {
        self.id = id
        self.expiryDateTime = expiryDateTime
        self.connectorType = connectorType
        self.idToken = idToken
        self.evseId = evseId
        self.groupIdToken = groupIdToken
    }
}

public struct ReserveNowResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ReserveNowStatus
    public var statusInfo: StatusInfo?

    public init(status: ReserveNowStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
