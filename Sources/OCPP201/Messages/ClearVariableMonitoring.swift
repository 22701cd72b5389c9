/// [SCH] ClearVariableMonitoringRequest: removes monitors by id, one result per id [N06].
public struct ClearVariableMonitoringRequest: OCPPRequest, Equatable {
    public typealias Response = ClearVariableMonitoringResponse
    public static let action = Action.clearVariableMonitoring
    public var id: [Int]

    public init(id: [Int]) {
        self.id = id
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeItems([Int].self, forKey: .id)
    }
}

public struct ClearVariableMonitoringResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var clearMonitoringResult: [ClearMonitoringResult]

    public init(clearMonitoringResult: [ClearMonitoringResult]) {
        self.clearMonitoringResult = clearMonitoringResult
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clearMonitoringResult = try container.decodeItems([ClearMonitoringResult].self, forKey: .clearMonitoringResult)
    }
}

/// [SCH] ClearMonitoringResultType.
public struct ClearMonitoringResult: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ClearMonitoringStatus
    public var id: Int
    public var statusInfo: StatusInfo?

    public init(status: ClearMonitoringStatus, id: Int, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.id = id
        self.statusInfo = statusInfo
    }
}
