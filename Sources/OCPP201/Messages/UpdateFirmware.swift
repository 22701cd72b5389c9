/// [SCH] FirmwareType: where the image is, when to fetch and install it, and — for a secure update [L01] —
/// the certificate it was signed with and the signature (base64) over the whole file.
public struct Firmware: Codable, Sendable, Equatable, CustomDataExtensible {
    public var location: CiString<512>
    public var retrieveDateTime: Timestamp
    public var installDateTime: Timestamp?
    public var signingCertificate: CiString<5500>?
    public var signature: CiString<800>?

    public init(
        location: CiString<512>, retrieveDateTime: Timestamp, installDateTime: Timestamp? = nil,
        signingCertificate: CiString<5500>? = nil, signature: CiString<800>? = nil
    ) {
        self.location = location
        self.retrieveDateTime = retrieveDateTime
        self.installDateTime = installDateTime
        self.signingCertificate = signingCertificate
        self.signature = signature
    }
}

/// [SCH] UpdateFirmwareRequest: download, check and install a firmware image [L01, L02].
public struct UpdateFirmwareRequest: OCPPRequest, Equatable {
    public typealias Response = UpdateFirmwareResponse
    public static let action = Action.updateFirmware
    public var retries: Int?
    public var retryInterval: Int?
    public var requestId: Int
    public var firmware: Firmware

    public init(requestId: Int, firmware: Firmware, retries: Int? = nil, retryInterval: Int? = nil) {
        self.requestId = requestId
        self.firmware = firmware
        self.retries = retries
        self.retryInterval = retryInterval
    }
}

public struct UpdateFirmwareResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: UpdateFirmwareStatus
    public var statusInfo: StatusInfo?

    public init(status: UpdateFirmwareStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
