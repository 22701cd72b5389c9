public struct BootNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = BootNotificationResponse
    public static let action = Action.bootNotification
    public var chargePointVendor: CiString<20>
    public var chargePointModel: CiString<20>
    public var chargePointSerialNumber: CiString<25>?
    public var chargeBoxSerialNumber: CiString<25>?
    public var firmwareVersion: CiString<50>?
    public var iccid: CiString<20>?
    public var imsi: CiString<20>?
    public var meterType: CiString<25>?
    public var meterSerialNumber: CiString<25>?

    public init(
        chargePointVendor: CiString<20>, chargePointModel: CiString<20>,
        chargePointSerialNumber: CiString<25>? = nil, firmwareVersion: CiString<50>? = nil
    ) {
        self.chargePointVendor = chargePointVendor
        self.chargePointModel = chargePointModel
        self.chargePointSerialNumber = chargePointSerialNumber
        self.firmwareVersion = firmwareVersion
    }
}

public struct BootNotificationResponse: Codable, Sendable, Equatable {
    public var status: RegistrationStatus
    public var currentTime: Timestamp
    public var interval: Int
    public init(status: RegistrationStatus, currentTime: Timestamp, interval: Int) {
        self.status = status
        self.currentTime = currentTime
        self.interval = interval
    }
}
