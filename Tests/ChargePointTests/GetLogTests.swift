import OCPP16
import Testing

@testable import ChargePoint

@Suite struct GetLogTests {
    typealias F = SecurityFixture
    static let hour: Int64 = 3_600_000
    static let eight: Int64 = 1_800_000_000_000  // 2027-01-15T08:00:00Z, the harness's start

    private func logStatuses(_ harness: Harness) -> [JSONValue] { harness.calls("LogStatusNotification").map(\.payload) }

    private func status(_ text: String, _ requestId: Int) -> JSONValue {
        .object(["status": .string(text), "requestId": .integer(Int64(requestId))])
    }

    @Test func theSecurityLogUploadHoldsTheEntriesBetweenTheTimestamps() throws {
        let events = [
            SecurityEvent(type: .resetOrReboot, timestamp: Timestamp(millisecondsSince1970: Self.eight - Self.hour), techInfo: "Soft reset"),
            SecurityEvent(type: .settingSystemTime, timestamp: Timestamp(millisecondsSince1970: Self.eight - Self.hour / 2), techInfo: "clock"),
            SecurityEvent(type: .invalidMessages, timestamp: Timestamp(millisecondsSince1970: Self.eight - 1000), techInfo: "bad frame"),
        ]
        var harness = Harness(persisted: PersistedState(securityEvents: events))
        harness.bootAccepted()
        harness.csmsCall("l1", "GetLog", """
            {"logType":"SecurityLog","requestId":5,"log":{"remoteLocation":"ftp://logs.example/in/",\
            "oldestTimestamp":"2027-01-15T07:30:00Z","latestTimestamp":"2027-01-15T07:59:59Z"}}
            """)
        #expect(harness.result(answering: "l1") == .object([
            "status": .string("Accepted"), "filename": .string("security-log-CP1-20270115080000.log"),
        ]))
        #expect(F.jobs(harness.effects).map(\.kind) == [.uploadText(
            url: "ftp://logs.example/in/", fileName: "security-log-CP1-20270115080000.log",
            content: "2027-01-15T07:30:00.000Z SettingSystemTime (critical): clock\n2027-01-15T07:59:59.000Z InvalidMessages: bad frame\n")])
    }

    @Test func withoutTimestampsTheWholeLogIsUploaded() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "GetLog", #"{"logType":"SecurityLog","requestId":5,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        let job = try #require(F.jobs(harness.effects).first)
        #expect(job.kind == .uploadText(
            url: "ftp://logs/in/", fileName: "security-log-CP1-20270115080000.log",
            content: "2027-01-15T08:00:00.000Z StartupOfTheDevice (critical)\n"))
    }

    @Test func theDiagnosticsLogIsTheDiagnosticsArchive() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "GetLog", #"{"logType":"DiagnosticsLog","requestId":6,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        #expect(harness.result(answering: "l1")?["filename"] == .string("diagnostics-log-CP1-20270115080000.tar"))
        #expect(F.jobs(harness.effects).map(\.kind)
            == [.uploadDiagnostics(url: "ftp://logs/in/", fileName: "diagnostics-log-CP1-20270115080000.tar")])
    }

    @Test func statusesCarryTheRequestIdUploadingThenUploaded() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "GetLog", #"{"logType":"SecurityLog","requestId":9,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        let job = try #require(F.jobs(harness.effects).first)
        harness.acknowledgeAll()
        harness.handle(.jobFinished(id: job.id, .succeeded(detail: nil)))
        harness.acknowledgeAll()
        #expect(logStatuses(harness) == [status("Uploading", 9), status("Uploaded", 9)])
    }

    @Test func aFailedUploadIsRetriedThenReportedAsUploadFailure() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "GetLog", #"{"logType":"SecurityLog","requestId":9,"retries":1,"retryInterval":10,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        let first = try #require(F.jobs(harness.effects).first)
        harness.handle(.jobFinished(id: first.id, .failed(reason: "refused")))
        harness.advance(by: .seconds(9))
        #expect(F.jobs(harness.effects).count == 1)
        harness.advance(by: .seconds(1))
        let second = try #require(F.jobs(harness.effects).last)
        #expect(second.id != first.id && second.kind == first.kind)
        harness.handle(.jobFinished(id: second.id, .failed(reason: "refused")))
        harness.acknowledgeAll()
        #expect(logStatuses(harness) == [status("Uploading", 9), status("Uploading", 9), status("UploadFailure", 9)])
    }

    @Test func aSecondRequestWhileOneRunsIsAcceptedCanceled() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "GetLog", #"{"logType":"SecurityLog","requestId":1,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        harness.csmsCall("l2", "GetLog", #"{"logType":"SecurityLog","requestId":2,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        #expect(harness.result(answering: "l1")?["status"] == .string("Accepted"))
        #expect(harness.result(answering: "l2")?["status"] == .string("AcceptedCanceled"))
    }
}
