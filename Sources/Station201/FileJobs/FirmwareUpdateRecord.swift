import EngineSupport
import OCPP201

/// The firmware update in progress, or the last one to end (block L), as the store keeps it: an update
/// survives a restart, and an installation's reboot ends in Installed once the new image has booted.
public struct FirmwareUpdateRecord: Codable, Sendable, Equatable {
    public var requestId: Int
    /// Nil once the update has ended (installed, failed, refused).
    public var schedule: FirmwareSchedule?
    /// The last status sent for it: what TriggerMessage repeats [L01.FR.26].
    public var status: FirmwareStatus
    /// What the last installation reported as its version: BootNotification's `firmwareVersion` from then on.
    public var installedVersion: String?

    public init(requestId: Int, schedule: FirmwareSchedule?, status: FirmwareStatus, installedVersion: String? = nil) {
        self.requestId = requestId
        self.schedule = schedule
        self.status = status
        self.installedVersion = installedVersion
    }

    /// Installed and rebooted for: Installed and the FirmwareUpdated event wait for the boot's acceptance.
    var awaitsBoot: Bool { schedule == nil && status == .installRebooting }
}

/// A GetLog upload in progress [N01].
struct LogUpload: Sendable, Equatable {
    var requestId: Int
    var fileName: String
    var schedule: UploadSchedule
}
