import EngineSupport
import OCPP201
import Testing

@testable import Station201

extension Harness {
    /// A station with `evses` EVSEs, Accepted, every connector's first status answered.
    static func registered(evses: Int = 2, inoperative: Set<AvailabilityTarget> = []) -> Harness {
        var harness = Harness(evses: evses, persisted: PersistedState(inoperative: inoperative))
        harness.boot()
        harness.answerAll()
        harness.effects.removeAll()
        return harness
    }

    /// Sends ChangeAvailability; `evse` is the JSON of its `evse` field, nil for the whole station.
    @discardableResult
    mutating func changeAvailability(_ status: String, evse: String? = nil) -> String {
        call("ChangeAvailability", #"{"operationalStatus":"\#(status)"\#(evse.map { #","evse":\#($0)"# } ?? "")}"#)
    }

    /// "evseId:connectorStatus" of every StatusNotification sent, in order, once each is answered.
    mutating func statusNotifications() -> [String] {
        answerAll()
        return calls("StatusNotification").map { call in
            guard case .integer(let evseId)? = call["evseId"], case .string(let status)? = call["connectorStatus"] else {
                return "?"
            }
            return "\(evseId):\(status)"
        }
    }
}

/// [G03]/[G04] ChangeAvailability of the station, an EVSE or a connector, and the StatusNotifications it causes.
@Suite struct AvailabilityTests {
    /// [G04.FR.01/05/09]: the state is persisted before the answer; every connector reports Unavailable after it.
    @Test func TC_G_05_CS_stationOperativeToInoperative() {
        var harness = Harness.registered(evses: 2)
        let id = harness.changeAvailability("Inoperative")
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        let persisted = harness.position { $0 == .persist([.availability(.station, operative: false)]) }
        let answered = harness.sendPosition(containing: id)
        let reported = harness.sendPosition(containing: #""StatusNotification""#)
        #expect(persisted != nil && answered != nil && reported != nil)
        #expect(persisted! < answered! && answered! < reported!)
        #expect(harness.statusNotifications() == ["1:Unavailable", "2:Unavailable"])
    }

    /// [G04.FR.08]: Operative again, every connector is Available again.
    @Test func TC_G_06_CS_stationInoperativeToOperative() {
        var harness = Harness.registered(evses: 2, inoperative: [.station])
        let id = harness.changeAvailability("Operative")
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        #expect(harness.persisted == [.availability(.station, operative: true)])
        #expect(harness.statusNotifications() == ["1:Available", "2:Available"])
    }

    /// [G03.FR.04/06]: only the EVSE's connector changes.
    @Test func TC_G_03_CS_evseOperativeToInoperative() {
        var harness = Harness.registered(evses: 2)
        let id = harness.changeAvailability("Inoperative", evse: #"{"id":2}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        #expect(harness.persisted == [.availability(.evse(2), operative: false)])
        #expect(harness.statusNotifications() == ["2:Unavailable"])
    }

    @Test func TC_G_04_CS_evseInoperativeToOperative() {
        var harness = Harness.registered(evses: 2, inoperative: [.evse(2)])
        let id = harness.changeAvailability("Operative", evse: #"{"id":2}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        #expect(harness.persisted == [.availability(.evse(2), operative: true)])
        #expect(harness.statusNotifications() == ["2:Available"])
    }

    @Test func TC_G_07_CS_connectorOperativeToInoperative() {
        var harness = Harness.registered(evses: 2)
        let id = harness.changeAvailability("Inoperative", evse: #"{"id":1,"connectorId":1}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        #expect(harness.persisted == [.availability(.connector(evseId: 1, connectorId: 1), operative: false)])
        #expect(harness.statusNotifications() == ["1:Unavailable"])
    }

    @Test func TC_G_08_CS_connectorInoperativeToOperative() {
        var harness = Harness.registered(evses: 2, inoperative: [.connector(evseId: 1, connectorId: 1)])
        let id = harness.changeAvailability("Operative", evse: #"{"id":1,"connectorId":1}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        #expect(harness.persisted == [.availability(.connector(evseId: 1, connectorId: 1), operative: true)])
        #expect(harness.statusNotifications() == ["1:Available"])
    }

    /// One "already in that state" scenario: the request, and what the station was before it.
    struct Unchanged: Sendable, CustomTestStringConvertible {
        var testCase: String
        var status: String
        var evse: String?
        var inoperative: Set<AvailabilityTarget>
        var testDescription: String { testCase }
    }

    /// [G03.FR.03, G04.FR.03]: already in the state asked for: Accepted, and nothing persisted or sent.
    @Test(arguments: [
        Unchanged(testCase: "TC_G_09_CS", status: "Operative", evse: #"{"id":1}"#, inoperative: []),
        Unchanged(testCase: "TC_G_10_CS", status: "Inoperative", evse: #"{"id":1}"#, inoperative: [.evse(1)]),
        Unchanged(testCase: "TC_G_12_CS", status: "Operative", evse: nil, inoperative: []),
        Unchanged(testCase: "TC_G_13_CS", status: "Inoperative", evse: nil, inoperative: [.station]),
        Unchanged(testCase: "TC_G_15_CS", status: "Operative", evse: #"{"id":1,"connectorId":1}"#, inoperative: []),
        Unchanged(
            testCase: "TC_G_16_CS", status: "Inoperative", evse: #"{"id":1,"connectorId":1}"#,
            inoperative: [.connector(evseId: 1, connectorId: 1)]),
    ])
    func alreadyInThatStateIsAcceptedAndChangesNothing(_ scenario: Unchanged) {
        var harness = Harness.registered(evses: 2, inoperative: scenario.inoperative)
        let id = harness.changeAvailability(scenario.status, evse: scenario.evse)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        #expect(harness.persisted.isEmpty)
        #expect(harness.sentCalls.isEmpty)
    }

    /// An EVSE that does not exist, or a connector an EVSE does not have: Rejected, nothing changes.
    @Test func anUnknownEVSEOrConnectorIsRejectedWithItsReason() {
        var harness = Harness.registered(evses: 2)
        let evse = harness.changeAvailability("Inoperative", evse: #"{"id":3}"#)
        #expect(harness.result(answering: evse)?["status"] == .string("Rejected"))
        #expect(harness.result(answering: evse)?["statusInfo"]?["reasonCode"] == .string("UnknownEvse"))
        let connector = harness.changeAvailability("Inoperative", evse: #"{"id":2,"connectorId":2}"#)
        #expect(harness.result(answering: connector)?["status"] == .string("Rejected"))
        #expect(harness.result(answering: connector)?["statusInfo"]?["reasonCode"] == .string("UnknownConnectorId"))
        #expect(harness.persisted.isEmpty)
        #expect(harness.sentCalls.isEmpty)
    }

    /// The connector of an EVSE that does not exist is unknown because its EVSE is.
    @Test func aConnectorOfAnUnknownEVSEIsRejectedAsUnknownEvse() {
        var harness = Harness.registered(evses: 2)
        let id = harness.changeAvailability("Inoperative", evse: #"{"id":3,"connectorId":1}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Rejected"))
        #expect(harness.result(answering: id)?["statusInfo"]?["reasonCode"] == .string("UnknownEvse"))
    }

    /// [G03.FR.07, G04.FR.08]: Operative again, each connector returns to the state it had before, so one whose
    /// EVSE was made Inoperative on its own stays Unavailable.
    @Test func aStationMadeOperativeAgainKeepsAnEVSEThatWasInoperativeOnItsOwn() {
        var harness = Harness.registered(evses: 2)
        harness.changeAvailability("Inoperative", evse: #"{"id":1}"#)
        harness.changeAvailability("Inoperative")
        harness.changeAvailability("Operative")
        #expect(harness.statusNotifications() == ["1:Unavailable", "2:Unavailable", "2:Available"])
        #expect(harness.engine.connectorSnapshots.map(\.status) == [.unavailable, .available])
    }

    /// [G03.FR.08, G04.FR.09]: what ChangeAvailability set survives a restart; the boot reports it.
    @Test func aRestartedStationReportsWhatWasPersistedAsUnavailable() {
        var harness = Harness(evses: 3, persisted: PersistedState(inoperative: [.evse(2), .connector(evseId: 3, connectorId: 1)]))
        harness.boot()
        #expect(harness.statusNotifications() == ["1:Available", "2:Unavailable", "3:Unavailable"])

        var station = Harness(evses: 2, persisted: PersistedState(inoperative: [.station]))
        station.boot()
        #expect(station.statusNotifications() == ["1:Unavailable", "2:Unavailable"])
    }

    /// [B02.FR.01]: ChangeAvailability is not among what a Pending station answers.
    @Test func changeAvailabilityWhilePendingIsRefused() {
        var harness = Harness(evses: 1)
        harness.boot("Pending", interval: 300)
        let id = harness.changeAvailability("Inoperative")
        #expect(harness.errorCode(answering: id) == "SecurityError")
        #expect(harness.engine.availability.inoperative.isEmpty)
    }
}
