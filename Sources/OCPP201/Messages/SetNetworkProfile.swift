/// [SCH] SetNetworkProfileRequest: stores a connection profile in a slot; it is used only once it appears in
/// NetworkConfigurationPriority and the station reboots [B09].
public struct SetNetworkProfileRequest: OCPPRequest, Equatable {
    public typealias Response = SetNetworkProfileResponse
    public static let action = Action.setNetworkProfile
    public var configurationSlot: Int
    public var connectionData: NetworkConnectionProfile

    public init(configurationSlot: Int, connectionData: NetworkConnectionProfile) {
        self.configurationSlot = configurationSlot
        self.connectionData = connectionData
    }
}

public struct SetNetworkProfileResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: SetNetworkProfileStatus
    public var statusInfo: StatusInfo?

    public init(status: SetNetworkProfileStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
