public struct UpdateFirmwareRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.updateFirmware
    /// A URI; kept as a string because the schema only asks for a URI format, which libcurl judges.
    public var location: String
    public var retries: Int?
    public var retrieveDate: Timestamp
    public var retryInterval: Int?
}
