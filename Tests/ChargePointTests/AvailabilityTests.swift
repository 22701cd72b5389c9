import OCPP16
import Testing

@testable import ChargePoint

@Suite struct AvailabilityTests {
    @Test func idleConnectorBecomesUnavailableAtOnceAndIsPersisted() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("a1", "ChangeAvailability", #"{"connectorId":2,"type":"Inoperative"}"#)
        #expect(harness.result(answering: "a1")?["status"] == .string("Accepted"))
        #expect(harness.outstanding?["connectorId"] == .integer(2))
        #expect(harness.outstanding?["status"] == .string("Unavailable"))
        #expect(harness.persisted.contains(.saveConnector(ConnectorRecord(id: 2, operative: false))))
        let start = harness.command(.start(connector: 2, idTag: "TAG1"))
        #expect(harness.reply(start) == .failed(.connectorInoperative(connector: 2, status: .unavailable)))
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"connectorId":2,"idTag":"TAG1"}"#)
        #expect(harness.result(answering: "r1")?["status"] == .string("Rejected"))
        harness.csmsCall("a2", "ChangeAvailability", #"{"connectorId":2,"type":"Inoperative"}"#)
        #expect(harness.result(answering: "a2")?["status"] == .string("Accepted"))
    }

    @Test func busyConnectorIsScheduledAndChangesWhenItsTransactionEnds() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.csmsCall("a1", "ChangeAvailability", #"{"connectorId":1,"type":"Inoperative"}"#)
        #expect(harness.result(answering: "a1")?["status"] == .string("Scheduled"))
        #expect(harness.status(of: 1) == .charging)
        _ = harness.command(.stop(connector: 1, reason: .local))
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .unavailable)
        #expect(harness.lastCall?["status"] == .string("Unavailable"))
    }

    @Test func connectorZeroCoversTheWholeChargePoint() {
        var harness = Harness(connectors: 2)
        harness.bootAccepted()
        harness.csmsCall("a1", "ChangeAvailability", #"{"connectorId":0,"type":"Inoperative"}"#)
        #expect(harness.result(answering: "a1")?["status"] == .string("Accepted"))
        var reported: [JSONValue] = []
        while let call = harness.outstanding {
            reported.append(call["connectorId"]!)
            #expect(call["status"] == .string("Unavailable"))
            harness.respond("{}")
        }
        #expect(reported == [.integer(0), .integer(1), .integer(2)])
        #expect(harness.persisted.contains(.saveStation(StationRecord(operative: false))))
        harness.csmsCall("a2", "ChangeAvailability", #"{"connectorId":0,"type":"Operative"}"#)
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .available)
        #expect(harness.status(of: 2) == .available)
    }

    @Test func unavailabilitySurvivesARestart() {
        let persisted = PersistedState(
            station: StationRecord(operative: false), connectors: [ConnectorRecord(id: 1, operative: false)])
        var harness = Harness(persisted: persisted)
        harness.bootAccepted()
        let statuses = harness.calls("StatusNotification").map { ($0["connectorId"]!, $0["status"]!) }
        #expect(statuses.map(\.1) == [.string("Unavailable"), .string("Unavailable"), .string("Available")])
    }

    @Test func unknownConnectorIsRejected() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("a1", "ChangeAvailability", #"{"connectorId":7,"type":"Operative"}"#)
        #expect(harness.result(answering: "a1")?["status"] == .string("Rejected"))
        harness.csmsCall("a2", "ChangeAvailability", #"{"connectorId":1,"type":"Sometimes"}"#)
        #expect(harness.errorCode(answering: "a2") == "PropertyConstraintViolation")
    }

    @Test func unlockStopsTheTransactionWithUnlockCommand() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.csmsCall("u1", "UnlockConnector", #"{"connectorId":1}"#)
        #expect(harness.result(answering: "u1")?["status"] == .string("Unlocked"))
        let stop = try #require(harness.outstanding)
        #expect(stop.action == "StopTransaction")
        #expect(stop["reason"] == .string("UnlockCommand"))
        harness.csmsCall("u2", "UnlockConnector", #"{"connectorId":9}"#)
        #expect(harness.result(answering: "u2")?["status"] == .string("NotSupported"))
    }
}
