/// [SCH] BootNotificationRequest: sent after every boot and after switching network profile [B01.FR.03]; until it
/// is Accepted the station sends no other request of its own accord [B02, B03].
public struct BootNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = BootNotificationResponse
    public static let action = Action.bootNotification
    public var chargingStation: ChargingStation
    public var reason: BootReason

    public init(chargingStation: ChargingStation, reason: BootReason) {
        self.chargingStation = chargingStation
        self.reason = reason
    }
}

/// [SCH] BootNotificationResponse. `interval` is the heartbeat interval once Accepted, the retry interval otherwise
/// (0: the station picks one) [B02.FR.07].
public struct BootNotificationResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var currentTime: Timestamp
    public var interval: Int
    public var status: RegistrationStatus
    public var statusInfo: StatusInfo?

    public init(currentTime: Timestamp, interval: Int, status: RegistrationStatus, statusInfo: StatusInfo? = nil) {
        self.currentTime = currentTime
        self.interval = interval
        self.status = status
        self.statusInfo = statusInfo
    }
}
