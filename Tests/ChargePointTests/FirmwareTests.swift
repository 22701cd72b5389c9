import EngineSupport
import OCPP16
import Testing

@testable import ChargePoint

@Suite struct FirmwareTests {
    private func jobs(_ effects: [Effect]) -> [Job] {
        effects.compactMap { if case .start(let job) = $0 { job } else { nil } }
    }

    private func notifications(_ harness: Harness, _ action: String) -> [JSONValue] {
        harness.calls(action).compactMap { $0["status"] }
    }

    @Test func downloadWaitsForRetrieveDateThenInstallsAndReportsInstalledAfterTheReboot() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("u1", "UpdateFirmware", #"{"location":"https://fw.example/cp-2.1.0.bin","retrieveDate":"2027-01-15T08:00:10Z"}"#)
        #expect(harness.result(answering: "u1") == .object([:]))
        harness.advance(by: .seconds(9))
        #expect(jobs(harness.effects).isEmpty)
        harness.advance(by: .seconds(1))
        let download = try #require(jobs(harness.effects).first)
        #expect(download.kind == .downloadFirmware(url: "https://fw.example/cp-2.1.0.bin", fileName: "cp-2.1.0.bin"))
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let install = try #require(jobs(harness.effects).last)
        #expect(install.kind == .installFirmware(fileName: "cp-2.1.0.bin"))
        harness.acknowledgeAll()
        #expect(notifications(harness, "FirmwareStatusNotification") == [.string("Downloading"), .string("Downloaded"), .string("Installing")])
        let produced = harness.handle(.jobFinished(id: install.id, .succeeded(detail: "2.1.0")))
        #expect(produced.last == .restart)
        #expect(harness.persisted.contains(.saveStation(StationRecord(firmwareVersion: "2.1.0", firmwareInstalledUnreported: true))))

        var rebooted = Harness(persisted: PersistedState(station: StationRecord(firmwareVersion: "2.1.0", firmwareInstalledUnreported: true)))
        rebooted.bootAccepted()
        #expect(rebooted.calls("BootNotification").first?["firmwareVersion"] == .string("2.1.0"))
        #expect(notifications(rebooted, "FirmwareStatusNotification") == [.string("Installed")])
    }

    @Test func installationWaitsForRunningTransactions() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.csmsCall("u1", "UpdateFirmware", #"{"location":"http://fw/x.bin","retrieveDate":"2027-01-15T07:00:00Z"}"#)
        let download = try #require(jobs(harness.effects).first)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        #expect(jobs(harness.effects).count == 1)
        _ = harness.command(.stop(connector: 1, reason: .local))
        #expect(jobs(harness.effects).last?.kind == .installFirmware(fileName: "x.bin"))
    }

    @Test func failedDownloadsAreRetriedThenReported() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("u1", "UpdateFirmware", #"{"location":"http://fw/x.bin","retrieveDate":"2027-01-15T07:00:00Z","retries":1,"retryInterval":30}"#)
        let first = try #require(jobs(harness.effects).first)
        harness.handle(.jobFinished(id: first.id, .failed(reason: "HTTP 404")))
        harness.advance(by: .seconds(29))
        #expect(jobs(harness.effects).count == 1)
        harness.advance(by: .seconds(1))
        let second = try #require(jobs(harness.effects).last)
        #expect(second.id != first.id)
        harness.handle(.jobFinished(id: second.id, .failed(reason: "HTTP 404")))
        harness.acknowledgeAll()
        #expect(notifications(harness, "FirmwareStatusNotification").last == .string("DownloadFailed"))
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"FirmwareStatusNotification"}"#)
        #expect(harness.outstanding?["status"] == .string("Idle"))
    }

    @Test func diagnosticsAreNamedUploadedAndRetried() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("d1", "GetDiagnostics", #"{"location":"ftp://logs.example/in/","retries":1,"retryInterval":10}"#)
        let fileName = try #require(harness.result(answering: "d1")?["fileName"]?.stringValue)
        #expect(fileName == "diagnostics-CP1-20270115080000.tar")
        let upload = try #require(jobs(harness.effects).first)
        #expect(upload.kind == .uploadDiagnostics(url: "ftp://logs.example/in/", fileName: fileName))
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"DiagnosticsStatusNotification"}"#)
        harness.handle(.jobFinished(id: upload.id, .failed(reason: "connection refused")))
        harness.advance(by: .seconds(10))
        let retry = try #require(jobs(harness.effects).last)
        #expect(retry.id != upload.id)
        harness.handle(.jobFinished(id: retry.id, .succeeded(detail: nil)))
        harness.acknowledgeAll()
        #expect(notifications(harness, "DiagnosticsStatusNotification") == [.string("Uploading"), .string("Uploading"), .string("Uploading"), .string("Uploaded")])
    }

    @Test(arguments: [
        ("https://fw.example/path/cp-1.2.bin?sig=abc", "cp-1.2.bin"),
        ("ftp://user:pw@host/", "fallback"),
        ("http://host/..", "fallback"),
        ("http://host/a b%2F.bin", "ab2F.bin"),
    ])
    func fileNamesComeFromTheURLSafely(url: String, expected: String) {
        #expect(TransferPolicy.fileName(in: url, fallback: "fallback") == expected)
    }
}
