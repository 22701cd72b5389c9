public struct SignedUpdateFirmwareRequest: OCPPRequest, Equatable {
    public typealias Response = SignedUpdateFirmwareResponse
    public static let action = Action.signedUpdateFirmware
    public var retries: Int?
    public var retryInterval: Int?
    public var requestId: Int
    public var firmware: SignedFirmware
}

public struct SignedFirmware: Codable, Sendable, Equatable {
    public var location: CiString<512>
    public var retrieveDateTime: Timestamp
    public var installDateTime: Timestamp?
    /// PEM certificate whose key signed the firmware.
    public var signingCertificate: CiString<5500>
    /// Base64 signature of the firmware file.
    public var signature: CiString<800>
}

public struct SignedUpdateFirmwareResponse: Codable, Sendable, Equatable {
    public var status: UpdateFirmwareStatus
    public init(status: UpdateFirmwareStatus) { self.status = status }
}
