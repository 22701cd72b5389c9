import OCPP16

// The two FirmwareManagement notifications only a central system receives, so they live here rather
// than in OCPP16 next to the messages the charge point sends. Spellings from [SCH].

public enum DiagnosticsStatus: String, Codable, Sendable, CaseIterable {
    case idle = "Idle"
    case uploaded = "Uploaded"
    case uploadFailed = "UploadFailed"
    case uploading = "Uploading"
}

public struct DiagnosticsStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.diagnosticsStatusNotification
    public var status: DiagnosticsStatus
}

public enum FirmwareStatus: String, Codable, Sendable, CaseIterable {
    case downloaded = "Downloaded"
    case downloadFailed = "DownloadFailed"
    case downloading = "Downloading"
    case idle = "Idle"
    case installationFailed = "InstallationFailed"
    case installing = "Installing"
    case installed = "Installed"
}

public struct FirmwareStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.firmwareStatusNotification
    public var status: FirmwareStatus
}
