/// [SCH] ChangeAvailabilityRequest: without `evse` it concerns the whole station; with `evse` but no
/// `connectorId`, the whole EVSE [G03, G04].
public struct ChangeAvailabilityRequest: OCPPRequest, Equatable {
    public typealias Response = ChangeAvailabilityResponse
    public static let action = Action.changeAvailability
    public var evse: EVSE?
    public var operationalStatus: OperationalStatus

    public init(evse: EVSE? = nil, operationalStatus: OperationalStatus) {
        self.evse = evse
        self.operationalStatus = operationalStatus
    }
}

public struct ChangeAvailabilityResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ChangeAvailabilityStatus
    public var statusInfo: StatusInfo?

    public init(status: ChangeAvailabilityStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
