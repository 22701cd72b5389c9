import OCPP16
import Testing

@testable import ChargePoint

@Suite struct ReservationTests {
    /// An hour after the harness's wall clock.
    private let later = "2027-01-15T09:00:00Z"

    private func reserve(_ harness: inout Harness, _ id: String, connector: Int, idTag: String, parent: String? = nil, expiry: String? = nil) -> JSONValue? {
        let parentField = parent.map { #","parentIdTag":"\#($0)""# } ?? ""
        harness.csmsCall(id, "ReserveNow", #"{"connectorId":\#(connector),"expiryDate":"\#(expiry ?? later)","idTag":"\#(idTag)","reservationId":\#(id.dropFirst())\#(parentField)}"#)
        return harness.result(answering: id)?["status"]
    }

    private func ready() -> Harness {
        var harness = Harness()
        harness.wallClock = Timestamp.parse("2027-01-15T08:00:00Z")!.millisecondsSince1970
        harness.bootAccepted()
        return harness
    }

    @Test func reservedConnectorAdmitsOnlyItsTagAndStartCarriesTheReservationId() throws {
        var harness = ready()
        #expect(reserve(&harness, "r7", connector: 1, idTag: "OWNER") == .string("Accepted"))
        #expect(harness.status(of: 1) == .reserved)
        harness.acknowledgeAll()
        #expect(harness.lastCall?["status"] == .string("Reserved"))
        let stranger = harness.command(.start(connector: 1, idTag: "OTHER"))
        #expect(harness.reply(stranger) == .failed(.connectorReserved(connector: 1)))
        _ = harness.command(.start(connector: 1, idTag: "owner"))
        harness.acknowledgeAll()
        let start = try #require(harness.calls("StartTransaction").first)
        #expect(start["reservationId"] == .integer(7))
        #expect(harness.engine.connectors[0].reservation == nil)
    }

    @Test func parentIdTagFromTheCentralSystemAdmitsAChild() throws {
        var harness = ready()
        #expect(reserve(&harness, "r3", connector: 1, idTag: "OWNER", parent: "FLEET") == .string("Accepted"))
        harness.acknowledgeAll()
        _ = harness.command(.start(connector: 1, idTag: "CHILD"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted","parentIdTag":"FLEET"}}"#)
        harness.acknowledgeAll()
        #expect(harness.calls("StartTransaction").first?["reservationId"] == .integer(3))
    }

    @Test func refusalsForBusyFaultedUnavailableAndUnknownConnectors() {
        var harness = ready()
        _ = harness.command(.start(connector: 1, idTag: "TAG"))
        harness.acknowledgeAll()
        #expect(reserve(&harness, "r1", connector: 1, idTag: "X") == .string("Occupied"))
        _ = harness.command(.fault(connector: 2, errorCode: .groundFailure, info: nil))
        #expect(reserve(&harness, "r2", connector: 2, idTag: "X") == .string("Faulted"))
        _ = harness.command(.fault(connector: 2, errorCode: .noError, info: nil))
        harness.csmsCall("a1", "ChangeAvailability", #"{"connectorId":2,"type":"Inoperative"}"#)
        #expect(reserve(&harness, "r3", connector: 2, idTag: "X") == .string("Unavailable"))
        #expect(reserve(&harness, "r4", connector: 9, idTag: "X") == .string("Rejected"))
        #expect(reserve(&harness, "r5", connector: 2, idTag: "X", expiry: "2027-01-15T07:00:00Z") == .string("Rejected"))
    }

    @Test func sameIdReplacesAndCancelEndsIt() {
        var harness = ready()
        #expect(reserve(&harness, "r5", connector: 1, idTag: "A") == .string("Accepted"))
        #expect(reserve(&harness, "r5", connector: 2, idTag: "A") == .string("Accepted"))
        #expect(harness.engine.connectors[0].reservation == nil)
        #expect(harness.engine.connectors[1].reservation?.id == 5)
        harness.csmsCall("c1", "CancelReservation", #"{"reservationId":5}"#)
        #expect(harness.result(answering: "c1")?["status"] == .string("Accepted"))
        harness.csmsCall("c2", "CancelReservation", #"{"reservationId":5}"#)
        #expect(harness.result(answering: "c2")?["status"] == .string("Rejected"))
        #expect(harness.status(of: 2) == .available)
    }

    @Test func reservationExpiresByItself() {
        var harness = ready()
        #expect(reserve(&harness, "r1", connector: 1, idTag: "A", expiry: "2027-01-15T08:00:30Z") == .string("Accepted"))
        harness.acknowledgeAll()
        harness.advance(by: .seconds(29))
        #expect(harness.status(of: 1) == .reserved)
        harness.advance(by: .seconds(1))
        #expect(harness.status(of: 1) == .available)
        harness.acknowledgeAll()
        #expect(harness.lastCall?["status"] == .string("Available"))
    }

    @Test func connectorZeroKeepsOneConnectorFree() {
        var harness = ready()
        #expect(reserve(&harness, "r1", connector: 0, idTag: "ANY") == .string("Accepted"))
        _ = harness.command(.start(connector: 1, idTag: "FIRST"))
        harness.acknowledgeAll()
        let second = harness.command(.start(connector: 2, idTag: "SECOND"))
        harness.acknowledgeAll()
        #expect(harness.reply(second) == .failed(.connectorReserved(connector: 2)))
        _ = harness.command(.start(connector: 2, idTag: "ANY"))
        harness.acknowledgeAll()
        #expect(harness.calls("StartTransaction").last?["reservationId"] == .integer(1))
        #expect(harness.engine.station.reservation == nil)
    }

    @Test func remoteStartOnAConnectorReservedForAnotherTagIsRejected() {
        var harness = ready()
        #expect(reserve(&harness, "r1", connector: 1, idTag: "OWNER") == .string("Accepted"))
        harness.csmsCall("s1", "RemoteStartTransaction", #"{"connectorId":1,"idTag":"OTHER"}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Rejected"))
        harness.csmsCall("s2", "RemoteStartTransaction", #"{"idTag":"OWNER"}"#)
        #expect(harness.result(answering: "s2")?["status"] == .string("Accepted"))
        #expect(harness.engine.connectors[0].pendingStart?.idTag == "OWNER")
    }
}
