public struct SecurityEventNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.securityEventNotification
    /// One of the whitepaper's event names (§8), or a vendor's own.
    public var type: CiString<50>
    public var timestamp: Timestamp
    public var techInfo: CiString<255>?

    public init(type: CiString<50>, timestamp: Timestamp, techInfo: CiString<255>?) {
        self.type = type
        self.timestamp = timestamp
        self.techInfo = techInfo
    }
}
