import EngineSupport
import OCPP201
import Station201
import TestFixtures
import Testing

@testable import Store

@Suite struct Store201FirmwareTests {
    /// The update in progress comes back as last stored, its schedule (signature bytes, instants, attempts)
    /// intact: what lets it survive a restart.
    @Test func theFirmwareUpdateIsReadBackAsLastStored() throws {
        let folder = try TemporaryDirectory()
        let schedule = FirmwareSchedule(
            location: "https://fw.example/cp-3.0.bin", fileName: "cp-3.0.bin",
            retrieveAt: Timestamp(millisecondsSince1970: 1_800_000_000_000),
            installAt: Timestamp(millisecondsSince1970: 1_800_000_300_000), retries: 2, retryInterval: 30,
            signature: .init(certificatePEM: "-----BEGIN CERTIFICATE-----", bytes: [1, 2, 255]))
        let running = FirmwareUpdateRecord(requestId: 7, schedule: schedule, status: .downloadScheduled)
        let rebooting = FirmwareUpdateRecord(requestId: 7, schedule: nil, status: .installRebooting, installedVersion: "3.0")
        do {
            let store = try Store201(directory: folder.path)
            #expect(try store.load().firmwareUpdate == nil)
            try store.apply([.firmwareUpdate(running)])
        }
        #expect(try Store201(directory: folder.path).load().firmwareUpdate == running)
        try Store201(directory: folder.path).apply([.firmwareUpdate(rebooting)])
        #expect(try Store201(directory: folder.path).load().firmwareUpdate == rebooting)
    }
}
