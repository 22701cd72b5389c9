import Certificates
import OCPP16
import TestFixtures
import Testing

@testable import ChargePoint

@Suite struct SignedFirmwareTests {
    typealias F = SecurityFixture

    private func request(
        _ harness: inout Harness, _ id: String, requestId: Int = 7, signer: String, signature: String = "AQIDBA==",
        retrieve: String = "2027-01-15T08:00:10Z", install: String? = "2027-01-15T08:05:00Z"
    ) -> JSONValue? {
        let installField = install.map { #","installDateTime":"\#($0)""# } ?? ""
        harness.csmsCall(id, "SignedUpdateFirmware", """
            {"requestId":\(requestId),"firmware":{"location":"https://fw.example/cp-3.0.bin",\
            "retrieveDateTime":"\(retrieve)"\(installField),"signingCertificate":\(jsonString(signer)),\
            "signature":"\(signature)"}}
            """)
        return harness.result(answering: id)?["status"]
    }

    private func withManufacturerRoot(_ pki: SecurityPKI) throws -> Harness {
        let root = try #require(try Certificate.parseChain(pem: pki.manufacturerRootPEM).first)
        var harness = Harness(persisted: PersistedState(
            security: SecurityRecord(certificates: [InstalledCertificate(use: .manufacturerRootCertificate, pem: root.pem)])))
        harness.bootAccepted()
        return harness
    }

    private func statuses(_ harness: Harness) -> [JSONValue] {
        harness.calls("SignedFirmwareStatusNotification").map(\.payload)
    }

    private func status(_ text: String, _ requestId: Int = 7) -> JSONValue {
        .object(["status": .string(text), "requestId": .integer(Int64(requestId))])
    }

    @Test func withoutAManufacturerRootTheCertificateIsInvalid() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        #expect(request(&harness, "u1", signer: pki.firmwareSignerPEM) == .string("InvalidCertificate"))
        #expect(F.eventTypes(harness.persisted).last == .invalidFirmwareSigningCertificate)
        harness.advance(by: .seconds(20))
        #expect(F.jobs(harness.effects).isEmpty)
    }

    @Test func anUntrustedSigningCertificateIsInvalid() throws {
        let pki = try SecurityPKI.get()
        var harness = try withManufacturerRoot(pki)
        #expect(request(&harness, "u1", signer: pki.otherRootPEM) == .string("InvalidCertificate"))
        #expect(F.eventTypes(harness.persisted).last == .invalidFirmwareSigningCertificate)
        harness.acknowledgeAll()
        #expect(harness.calls("SecurityEventNotification").last?["type"] == .string("InvalidFirmwareSigningCertificate"))
    }

    @Test func aSignatureThatIsNotBase64IsRejected() throws {
        let pki = try SecurityPKI.get()
        var harness = try withManufacturerRoot(pki)
        #expect(request(&harness, "u1", signer: pki.firmwareSignerPEM, signature: "%%not base64%%") == .string("Rejected"))
        harness.advance(by: .seconds(20))
        #expect(F.jobs(harness.effects).isEmpty)
    }

    @Test func theAcceptedUpdateIsDownloadedVerifiedInstalledAndReportedAfterTheReboot() throws {
        let pki = try SecurityPKI.get()
        var harness = try withManufacturerRoot(pki)
        #expect(request(&harness, "u1", signer: pki.firmwareSignerPEM) == .string("Accepted"))
        harness.acknowledgeAll()
        #expect(statuses(harness) == [status("DownloadScheduled")])
        harness.advance(by: .seconds(9))
        #expect(F.jobs(harness.effects).isEmpty)
        harness.advance(by: .seconds(1))
        let download = try #require(F.jobs(harness.effects).first)
        #expect(download.kind == .downloadFirmware(url: "https://fw.example/cp-3.0.bin", fileName: "cp-3.0.bin"))
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let verify = try #require(F.jobs(harness.effects).last)
        #expect(verify.kind == .verifyFirmware(fileName: "cp-3.0.bin", certificatePEM: pki.firmwareSignerPEM, signature: [1, 2, 3, 4]))
        harness.handle(.jobFinished(id: verify.id, .succeeded(detail: nil)))
        harness.acknowledgeAll()
        #expect(statuses(harness) == [
            status("DownloadScheduled"), status("Downloading"), status("Downloaded"), status("SignatureVerified"),
            status("InstallScheduled"),
        ])
        // A transaction runs when installDateTime comes: the installation waits for its end.
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.advance(by: .seconds(280))  // 08:04:50
        #expect(F.jobs(harness.effects).count == 2)
        harness.advance(by: .seconds(20))  // past 08:05:00
        #expect(F.jobs(harness.effects).count == 2)
        _ = harness.command(.stop(connector: 1, reason: .local))
        let install = try #require(F.jobs(harness.effects).last)
        #expect(install.kind == .installFirmware(fileName: "cp-3.0.bin"))
        harness.acknowledgeAll()
        #expect(statuses(harness).last == status("Installing"))
        harness.handle(.jobFinished(id: install.id, .succeeded(detail: "3.0")))
        harness.acknowledgeAll()
        #expect(statuses(harness).last == status("InstallRebooting"))
        #expect(harness.effects.last == .restart)
        let station = try #require(harness.persisted.compactMap { if case .saveStation(let record) = $0 { record } else { nil } }.last)
        #expect(station.firmwareRequestId == 7 && station.firmwareInstalledUnreported && station.firmwareVersion == "3.0")

        var rebooted = Harness(persisted: PersistedState(station: station))
        rebooted.bootAccepted()
        #expect(statuses(rebooted) == [status("Installed")])
        #expect(F.events(rebooted.persisted).map(\.type) == [.startupOfTheDevice, .firmwareUpdated])
        #expect(rebooted.calls("SecurityEventNotification").map { $0["type"] }
            == [.string("StartupOfTheDevice"), .string("FirmwareUpdated")])
    }

    @Test func anInstallDateTimeAlreadyPassedInstallsRightAfterVerification() throws {
        let pki = try SecurityPKI.get()
        var harness = try withManufacturerRoot(pki)
        #expect(request(&harness, "u1", signer: pki.firmwareSignerPEM, retrieve: "2027-01-15T07:00:00Z", install: nil) == .string("Accepted"))
        let download = try #require(F.jobs(harness.effects).first)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let verify = try #require(F.jobs(harness.effects).last)
        harness.handle(.jobFinished(id: verify.id, .succeeded(detail: nil)))
        #expect(F.jobs(harness.effects).last?.kind == .installFirmware(fileName: "cp-3.0.bin"))
        harness.acknowledgeAll()
        #expect(statuses(harness) == [status("Downloading"), status("Downloaded"), status("SignatureVerified"), status("Installing")])
    }

    @Test func aBadSignatureIsReportedAndNothingIsInstalled() throws {
        let pki = try SecurityPKI.get()
        var harness = try withManufacturerRoot(pki)
        _ = request(&harness, "u1", signer: pki.firmwareSignerPEM, retrieve: "2027-01-15T07:00:00Z", install: nil)
        let download = try #require(F.jobs(harness.effects).first)
        harness.handle(.jobFinished(id: download.id, .succeeded(detail: nil)))
        let verify = try #require(F.jobs(harness.effects).last)
        harness.handle(.jobFinished(id: verify.id, .failed(reason: "signature does not match")))
        harness.advance(by: .seconds(600))
        harness.acknowledgeAll()
        #expect(F.jobs(harness.effects).count == 2)
        #expect(statuses(harness).last == status("InvalidSignature"))
        #expect(F.events(harness.persisted).last?.type == .invalidFirmwareSignature)
        #expect(F.events(harness.persisted).last?.techInfo == "signature does not match")
    }

    @Test func aSecondRequestCancelsTheFirst() throws {
        let pki = try SecurityPKI.get()
        var harness = try withManufacturerRoot(pki)
        #expect(request(&harness, "u1", signer: pki.firmwareSignerPEM) == .string("Accepted"))
        #expect(request(&harness, "u2", requestId: 8, signer: pki.firmwareSignerPEM) == .string("AcceptedCanceled"))
        harness.advance(by: .seconds(10))
        harness.acknowledgeAll()
        #expect(F.jobs(harness.effects).count == 1)
        #expect(statuses(harness).last == status("Downloading", 8))
    }
}
