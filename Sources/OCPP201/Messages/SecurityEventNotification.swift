/// [SCH] SecurityEventNotificationRequest: a critical security event ([P2A] security events), queued for
/// guaranteed delivery [A04.FR.01/02].
public struct SecurityEventNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.securityEventNotification
    /// The event's name, e.g. `StartupOfTheDevice`; free text in the schema.
    public var type: CiString<50>
    public var timestamp: Timestamp
    public var techInfo: CiString<255>?

    public init(type: CiString<50>, timestamp: Timestamp, techInfo: CiString<255>? = nil) {
        self.type = type
        self.timestamp = timestamp
        self.techInfo = techInfo
    }
}
