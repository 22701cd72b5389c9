/// [SCH] ResetRequest: with `evseId`, reset that EVSE only [B11.FR.09].
public struct ResetRequest: OCPPRequest, Equatable {
    public typealias Response = ResetResponse
    public static let action = Action.reset
    public var type: ResetEnumType
    public var evseId: Int?

    public init(type: ResetEnumType, evseId: Int? = nil) {
        self.type = type
        self.evseId = evseId
    }
}

public struct ResetResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ResetStatus
    public var statusInfo: StatusInfo?

    public init(status: ResetStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
