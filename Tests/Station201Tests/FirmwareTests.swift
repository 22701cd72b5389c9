import Certificates
import EngineSupport
import OCPP201
import TestFixtures
import Testing

@testable import Station201

/// Functional block L (UpdateFirmware, FirmwareStatusNotification) with a fake clock, the test PKI and jobs
/// whose outcomes the test hands in. The harness's clock says 2027-01-15T08:00:00Z.
@Suite struct FirmwareTests {
    static let tag = IdToken(idToken: "TAG1", type: .iso14443)

    /// A registered station with the PKI's ManufacturerRootCertificate installed, unless `root` is nil.
    static func registered(evses: Int = 1, root: Bool = true, overrides: [(key: String, value: String)] = []) throws -> Harness {
        let pki = try SecurityPKI.get()
        let installed = root ? [InstalledCertificate(use: .manufacturerRootCertificate, pem: pki.manufacturerRootPEM)] : []
        var harness = Harness(evses: evses, persisted: PersistedState(installedCertificates: installed), overrides: overrides)
        harness.boot()
        harness.answerAllAccepting()
        return harness
    }

    /// Sends UpdateFirmware; returns the answer's status.
    @discardableResult
    static func update(
        _ harness: inout Harness, requestId: String = "7", signer: String?, signature: String? = "AQIDBA==",
        retrieve: String = "2027-01-15T08:00:10Z", install: String? = nil, retries: String? = nil,
        retryInterval: String? = nil, location: String = "https://fw.example/cp-3.0.bin"
    ) -> String? {
        var firmware = #""location":"\#(location)","retrieveDateTime":"\#(retrieve)""#
        if let install { firmware += #","installDateTime":"\#(install)""# }
        if let signer { firmware += #","signingCertificate":\#(JSONValue.string(signer).serialized())"# }
        if let signature { firmware += #","signature":"\#(signature)""# }
        var fields = #""requestId":\#(requestId),"firmware":{\#(firmware)}"#
        if let retries { fields += #","retries":\#(retries)"# }
        if let retryInterval { fields += #","retryInterval":\#(retryInterval)"# }
        let id = harness.call("UpdateFirmware", "{\(fields)}")
        return harness.result(answering: id)?["status"]?.string
    }

    /// The FirmwareStatusNotification statuses sent so far; every one must carry `requestId`.
    static func statuses(_ harness: Harness, requestId: Int = 7) -> [String] {
        harness.calls("FirmwareStatusNotification").map { call in
            #expect(call["requestId"] == .integer(Int64(requestId)), "\(call.payload)")
            return call["status"]?.string ?? "?"
        }
    }

    static func jobs(_ harness: Harness) -> [Job] {
        harness.effects.compactMap { if case .start(let job) = $0 { job } else { nil } }
    }

    static func triggered(_ harness: inout Harness, _ message: String) -> SentCall? {
        harness.answerAll()
        let id = harness.call("TriggerMessage", #"{"requestedMessage":"\#(message)"}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        let sent = harness.outstanding
        harness.answerAll()
        return sent
    }

    static func lastRecord(_ harness: Harness) -> FirmwareUpdateRecord? {
        harness.persisted.compactMap { if case .firmwareUpdate(let record) = $0 { record } else { nil } }.last
    }

    @Test func TC_L_01_CS_aSecureUpdateGoesThroughEveryStatusRebootsAndReportsInstalledAfterTheBoot() throws {
        let pki = try SecurityPKI.get()
        var harness = try Self.registered()
        #expect(Self.update(&harness, signer: pki.firmwareSignerPEM, install: "2027-01-15T08:05:00Z") == "Accepted")
        harness.answerAll()
        #expect(Self.statuses(harness) == ["DownloadScheduled"])
        harness.advance(by: .seconds(9))
        #expect(Self.jobs(harness).isEmpty)
        harness.advance(by: .seconds(1))
        let download = try #require(Self.jobs(harness).last)
        #expect(download.kind == .downloadFirmware(url: "https://fw.example/cp-3.0.bin", fileName: "cp-3.0.bin"))
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let verify = try #require(Self.jobs(harness).last)
        #expect(verify.kind == .verifyFirmware(fileName: "cp-3.0.bin", certificatePEM: pki.firmwareSignerPEM, signature: [1, 2, 3, 4]))
        harness.handle(.jobFinished(id: verify.id, .succeeded(detail: nil)))
        harness.answerAll()
        #expect(Self.statuses(harness) == ["DownloadScheduled", "Downloading", "Downloaded", "SignatureVerified", "InstallScheduled"])
        #expect(Self.triggered(&harness, "FirmwareStatusNotification")?["status"] == .string("InstallScheduled"))
        // The installation waits for installDateTime; idle EVSEs are held from then on.
        harness.advance(by: .seconds(280))
        #expect(Self.jobs(harness).count == 2)
        harness.advance(by: .seconds(10))
        let install = try #require(Self.jobs(harness).last)
        #expect(install.kind == .installFirmware(fileName: "cp-3.0.bin"))
        #expect(harness.engine.connectorStatus(0) == .unavailable)
        // The install hook cannot be stopped [L01.FR.27].
        #expect(Self.update(&harness, requestId: "8", signer: pki.firmwareSignerPEM) == "Rejected")
        harness.handle(.jobFinished(id: install.id, .succeeded(detail: "3.0")))
        #expect(harness.persisted.contains(.bootReason(.firmwareUpdate)))
        #expect(!harness.effects.contains(.restart), "InstallRebooting goes before the reboot")
        harness.answerAll()
        #expect(harness.effects.contains(.restart))
        #expect(Self.statuses(harness).suffix(2) == ["Installing", "InstallRebooting"])

        let record = try #require(Self.lastRecord(harness))
        var rebooted = Harness(evses: 1, persisted: PersistedState(bootReason: .firmwareUpdate, firmwareUpdate: record))
        rebooted.handle(.linkUp)
        #expect(rebooted.outstanding?["reason"] == .string("FirmwareUpdate"))
        #expect(rebooted.outstanding?["chargingStation"]?["firmwareVersion"] == .string("3.0"))
        rebooted.answerOutstanding(#"{"currentTime":"2027-01-15T08:06:00.000Z","interval":300,"status":"Accepted"}"#)
        rebooted.answerAll()
        #expect(Self.statuses(rebooted) == ["Installed"])
        let sent = rebooted.sentCalls.map(\.action)
        let installed = try #require(sent.firstIndex(of: "FirmwareStatusNotification"))
        let event = try #require(rebooted.calls("SecurityEventNotification").firstIndex { $0["type"] == .string("FirmwareUpdated") })
        #expect(installed < sent.indices.filter { sent[$0] == "SecurityEventNotification" }[event], "Installed, then FirmwareUpdated [L01.FR.31/32]")
        // After Installed a trigger says Idle [L01.FR.25].
        #expect(Self.triggered(&rebooted, "FirmwareStatusNotification")?["status"] == .string("Idle"))
    }

    @Test func TC_L_05_CS_aSigningCertificateNotIssuedUnderTheManufacturerRootIsInvalidCertificateWithTheEvent() throws {
        let pki = try SecurityPKI.get()
        var harness = try Self.registered()
        #expect(Self.update(&harness, signer: pki.otherRootPEM) == "InvalidCertificate")
        harness.answerAll()
        #expect(harness.calls("SecurityEventNotification").last?["type"] == .string("InvalidFirmwareSigningCertificate"))
        harness.advance(by: .seconds(20))
        #expect(Self.jobs(harness).isEmpty)
        #expect(harness.calls("FirmwareStatusNotification").isEmpty)

        var withoutRoot = try Self.registered(root: false)
        #expect(Self.update(&withoutRoot, signer: pki.firmwareSignerPEM) == "InvalidCertificate")
    }

    @Test func TC_L_06_CS_aSignatureThatDoesNotMatchIsInvalidSignatureWithTheEventAndNothingIsInstalled() throws {
        let pki = try SecurityPKI.get()
        var harness = try Self.registered()
        #expect(Self.update(&harness, signer: pki.firmwareSignerPEM, retrieve: "2027-01-15T07:00:00Z") == "Accepted")
        let download = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let verify = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: verify.id, .failed(reason: "the signature does not match the firmware file")))
        harness.answerAll()
        #expect(Self.statuses(harness) == ["Downloading", "Downloaded", "InvalidSignature"])
        #expect(harness.calls("SecurityEventNotification").last?["type"] == .string("InvalidFirmwareSignature"))
        harness.advance(by: .seconds(600))
        #expect(Self.jobs(harness).count == 2)
        // The last status is what a trigger repeats [L01.FR.26].
        #expect(Self.triggered(&harness, "FirmwareStatusNotification")?["status"] == .string("InvalidSignature"))
    }

    @Test func TC_L_10_CS_aNewUpdateCancelsTheOneInProgressAndTheOldJobsOutcomeIsIgnored() throws {
        let pki = try SecurityPKI.get()
        var harness = try Self.registered()
        #expect(Self.update(&harness, signer: pki.firmwareSignerPEM, retrieve: "2027-01-15T07:00:00Z") == "Accepted")
        let old = try #require(Self.jobs(harness).last)
        #expect(Self.update(&harness, requestId: "8", signer: pki.firmwareSignerPEM, retrieve: "2027-01-15T07:00:00Z",
                            location: "https://fw.example/cp-4.0.bin") == "AcceptedCanceled")
        let new = try #require(Self.jobs(harness).last)
        #expect(new.id != old.id && new.kind == .downloadFirmware(url: "https://fw.example/cp-4.0.bin", fileName: "cp-4.0.bin"))
        #expect(harness.effects.contains(.cancel(jobId: old.id)), "the superseded download is stopped")
        harness.handle(.jobFinished(id: old.id, .succeeded(detail: nil)))
        #expect(Self.jobs(harness).count == 2, "the cancelled download starts no check")
        harness.answerAll()
        #expect(harness.calls("FirmwareStatusNotification").map { $0["requestId"] } == [.integer(7), .integer(8)])
        // Nothing in progress: the next one is Accepted.
        harness.handle(.jobFinished(id: new.id, .failed(reason: "HTTP 404")))
        #expect(Self.update(&harness, requestId: "9", signer: pki.firmwareSignerPEM) == "Accepted")
    }

    @Test func TC_L_15_CS_theInstallationWaitsForTheTransactionsAndIdleEVSEsTurnUnavailable() throws {
        var harness = try Self.registered(evses: 2, root: false)
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        #expect(Self.update(&harness, signer: nil, signature: nil, retrieve: "2027-01-15T07:00:00Z") == "Accepted")
        let download = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        harness.answerAllAccepting()
        #expect(Self.statuses(harness) == ["Downloading", "Downloaded", "InstallScheduled"])
        #expect(Self.jobs(harness).count == 1)
        #expect(harness.calls("StatusNotification").last?["evseId"] == .integer(2))
        #expect(harness.calls("StatusNotification").last?["connectorStatus"] == .string("Unavailable"))
        guard case .failed(.evseUnavailable(evseId: 2, _))? = harness.command(.start(evseId: 2, Self.tag)) else {
            Issue.record("a new session started while the installation waits")
            return
        }
        _ = harness.start(.stop(evseId: 1, reason: .local))
        harness.answerAllAccepting()
        #expect(Self.jobs(harness).last?.kind == .installFirmware(fileName: "cp-3.0.bin"))
        #expect(Self.statuses(harness).last == "Installing")
    }

    @Test func TC_L_14_CS_withAllowNewSessionsPendingFirmwareUpdateIdleEVSEsStayAvailable() throws {
        var harness = try Self.registered(
            evses: 2, root: false, overrides: [("ChargingStation.AllowNewSessionsPendingFirmwareUpdate", "true")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        Self.update(&harness, signer: nil, signature: nil, retrieve: "2027-01-15T07:00:00Z")
        let download = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        harness.answerAllAccepting()
        #expect(Self.statuses(harness).last == "InstallScheduled")
        #expect(harness.engine.connectorStatus(1) == .available)
    }

    @Test func TC_L_07_CS_aDownloadIsRetriedAndFailsForGoodAfterItsAttempts() throws {
        var harness = try Self.registered(root: false)
        Self.update(&harness, signer: nil, signature: nil, retrieve: "2027-01-15T07:00:00Z", retries: "1", retryInterval: "30")
        let first = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: first.id, .failed(reason: "HTTP 404")))
        harness.advance(by: .seconds(29))
        #expect(Self.jobs(harness).count == 1)
        harness.advance(by: .seconds(1))
        let second = try #require(Self.jobs(harness).last)
        #expect(second.id != first.id)
        harness.handle(.jobFinished(id: second.id, .failed(reason: "HTTP 404")))
        harness.answerAll()
        #expect(Self.statuses(harness) == ["Downloading", "Downloading", "DownloadFailed"])
    }

    @Test func integersAtTheirLimitsNeitherTrapNorWaitForever() throws {
        var harness = try Self.registered(root: false)
        let huge = "9223372036854775807"
        #expect(Self.update(&harness, requestId: huge, signer: nil, signature: nil, retrieve: "2027-01-15T07:00:00Z",
                            retries: huge, retryInterval: huge) == "Accepted")
        let first = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: first.id, .failed(reason: "HTTP 404")))
        harness.advance(by: .seconds(86_400))
        #expect(Self.jobs(harness).count == 2, "the retry interval is at most a day")
        #expect(Self.update(&harness, requestId: "-1", signer: nil, signature: nil, retries: "-5", retryInterval: "-5") == "AcceptedCanceled")
    }

    @Test func TC_L_08_CS_aFailedInstallationIsReportedAndTheStationDoesNotReboot() throws {
        var harness = try Self.registered(root: false)
        Self.update(&harness, signer: nil, signature: nil, retrieve: "2027-01-15T07:00:00Z")
        let download = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let install = try #require(Self.jobs(harness).last)
        harness.handle(.jobFinished(id: install.id, .failed(reason: "install hook failed with status 3")))
        harness.answerAll()
        #expect(Self.statuses(harness) == ["Downloading", "Downloaded", "Installing", "InstallationFailed"])
        harness.advance(by: .seconds(60))
        #expect(!harness.effects.contains(.restart))
        #expect(harness.engine.connectorStatus(0) == .available, "the hold ends with the update")
    }

    /// With a ManufacturerRootCertificate installed the station takes only signed images; without one, an
    /// unsigned update is a plain one [L02].
    @Test func TC_L_18_CS_anUpdateWithoutSigningCertificateAndSignatureIsRejectedOnceAManufacturerRootIsInstalled() throws {
        var secure = try Self.registered()
        #expect(Self.update(&secure, signer: nil, signature: nil) == "Rejected")
        secure.advance(by: .seconds(20))
        #expect(Self.jobs(secure).isEmpty)
        var plain = try Self.registered(root: false)
        #expect(Self.update(&plain, signer: nil, signature: nil) == "Accepted")
    }

    @Test func aSigningCertificateWithoutASignatureOrAnUnsupportedSchemeIsRejected() throws {
        let pki = try SecurityPKI.get()
        var harness = try Self.registered(root: false)
        #expect(Self.update(&harness, signer: pki.firmwareSignerPEM, signature: nil) == "Rejected")
        #expect(Self.update(&harness, signer: nil, signature: nil, location: "sftp://fw.example/cp.bin") == "Rejected")
        harness.advance(by: .seconds(20))
        #expect(Self.jobs(harness).isEmpty)
    }

    @Test func anUpdateInProgressSurvivesARestartAndStartsItsDownloadAgain() throws {
        var harness = try Self.registered(root: false)
        Self.update(&harness, signer: nil, signature: nil, retrieve: "2027-01-15T07:00:00Z")
        #expect(Self.jobs(harness).count == 1)
        let record = try #require(Self.lastRecord(harness))
        var restarted = Harness(evses: 1, persisted: PersistedState(firmwareUpdate: record))
        restarted.boot()
        restarted.answerAll()
        #expect(Self.jobs(restarted).first?.kind == .downloadFirmware(url: "https://fw.example/cp-3.0.bin", fileName: "cp-3.0.bin"))
        #expect(Self.statuses(restarted) == ["Downloading"])
    }

    /// The engine after a reboot in the same process hands out ids the one before could not have: an old
    /// transfer's outcome never passes for a new one's.
    @Test func jobIdsOfAnEngineStartedLaterNeverMeetTheEarlierOnes() {
        var before = JobNumbers(startingAt: .seconds(100))
        let earlier = (0..<1000).map { _ in before.job(.installFirmware(fileName: "f")).id }
        var after = JobNumbers(startingAt: .milliseconds(100_001))
        #expect(after.job(.installFirmware(fileName: "f")).id > earlier.max()!)
        var absurd = JobNumbers(startingAt: .seconds(Int64.max))
        #expect(absurd.job(.installFirmware(fileName: "f")).id > 0)
    }

    @Test func withoutAnUpdateATriggerSaysIdle() throws {
        var harness = try Self.registered()
        let sent = Self.triggered(&harness, "FirmwareStatusNotification")
        #expect(sent?["status"] == .string("Idle") && sent?["requestId"] == .integer(0), "CitrineOS needs a requestId")
        #expect(Self.triggered(&harness, "LogStatusNotification")?["requestId"] == .integer(0))
    }
}

/// GetLog and LogStatusNotification [N01].
@Suite struct GetLogTests {
    static func getLog(_ harness: inout Harness, requestId: Int, type: String = "SecurityLog",
                       location: String = "https://logs.example/in", retries: Int? = nil) -> JSONValue? {
        let extra = retries.map { #","retries":\#($0),"retryInterval":10"# } ?? ""
        let id = harness.call("GetLog", #"{"logType":"\#(type)","requestId":\#(requestId),"log":{"remoteLocation":"\#(location)"}\#(extra)}"#)
        return harness.result(answering: id)
    }

    static func statuses(_ harness: Harness) -> [String] {
        harness.calls("LogStatusNotification").map { call in
            guard case .integer(let requestId)? = call["requestId"] else { return "\(call["status"]?.string ?? "?") -" }
            return "\(call["status"]?.string ?? "?") \(requestId)"
        }
    }

    @Test func TC_N_35_CS_theSecurityLogIsUploadedWithItsStatusesAndATriggerSaysUploadingThenIdle() throws {
        var harness = try FirmwareTests.registered()
        let answer = Self.getLog(&harness, requestId: 3)
        #expect(answer?["status"] == .string("Accepted"))
        let fileName = try #require(answer?["filename"]?.string)
        let job = try #require(FirmwareTests.jobs(harness).last)
        guard case .uploadText(let url, let name, let content) = job.kind else {
            Issue.record("not a text upload: \(job.kind)")
            return
        }
        #expect(url == "https://logs.example/in" && name == fileName && content.contains("StartupOfTheDevice"))
        harness.answerAll()
        #expect(FirmwareTests.triggered(&harness, "LogStatusNotification")?["status"] == .string("Uploading"))
        harness.handle(.jobFinished(id: job.id, .succeeded(detail: nil)))
        harness.answerAll()
        #expect(FirmwareTests.triggered(&harness, "LogStatusNotification")?["status"] == .string("Idle"))
        #expect(Self.statuses(harness) == ["Uploading 3", "Uploading 3", "Uploaded 3", "Idle 3"])
    }

    @Test func TC_N_36_CS_aNewGetLogCancelsTheUploadInProgress() throws {
        var harness = try FirmwareTests.registered()
        _ = Self.getLog(&harness, requestId: 3, type: "DiagnosticsLog")
        let first = try #require(FirmwareTests.jobs(harness).last)
        #expect(first.kind.isDiagnostics)
        #expect(Self.getLog(&harness, requestId: 4)?["status"] == .string("AcceptedCanceled"))
        #expect(harness.effects.contains(.cancel(jobId: first.id)), "the superseded upload is stopped")
        harness.answerAll()
        #expect(Self.statuses(harness) == ["Uploading 3", "AcceptedCanceled 3", "Uploading 4"])
    }

    @Test func TC_N_26_CS_anUploadIsRetriedThenFailsForGood() throws {
        var harness = try FirmwareTests.registered()
        _ = Self.getLog(&harness, requestId: 5, type: "DiagnosticsLog", retries: 1)
        let first = try #require(FirmwareTests.jobs(harness).last)
        harness.handle(.jobFinished(id: first.id, .failed(reason: "HTTP 500")))
        harness.advance(by: .seconds(10))
        let second = try #require(FirmwareTests.jobs(harness).last)
        #expect(second.id != first.id)
        harness.handle(.jobFinished(id: second.id, .failed(reason: "HTTP 500")))
        harness.answerAll()
        #expect(Self.statuses(harness) == ["Uploading 5", "Uploading 5", "UploadFailure 5"])
    }

    @Test func N01_aSchemeFileTransferProtocolsDoesNotListIsRejected() throws {
        var harness = try FirmwareTests.registered()
        #expect(Self.getLog(&harness, requestId: 6, location: "sftp://logs.example/in")?["status"] == .string("Rejected"))
        #expect(FirmwareTests.jobs(harness).isEmpty)
    }
}

extension Job.Kind {
    var isDiagnostics: Bool { if case .uploadDiagnostics = self { true } else { false } }
}
