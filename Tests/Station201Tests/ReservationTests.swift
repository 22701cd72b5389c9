import EngineSupport
import OCPP201
import Testing

@testable import Station201

extension Harness {
    /// Sends ReserveNow for `token` (ISO14443) until `expiry` (the CSMS's clock starts at 08:00 on boot);
    /// `evse` nil reserves any EVSE; `extra` adds members (`,"groupIdToken":{…}`).
    @discardableResult
    mutating func reserveNow(
        _ id: Int, evse: Int? = nil, token: String = "TAG1", extra: String = "",
        expiry: String = "2027-01-15T09:00:00.000Z"
    ) -> String {
        let evseMember = evse.map { #","evseId":\#($0)"# } ?? ""
        return call(
            "ReserveNow",
            #"{"id":\#(id),"expiryDateTime":"\#(expiry)","idToken":{"idToken":"\#(token)","type":"ISO14443"}\#(evseMember)\#(extra)}"#)
    }

    /// ReserveNow's answered status.
    mutating func reserveStatus(
        _ id: Int, evse: Int? = nil, token: String = "TAG1", extra: String = "",
        expiry: String = "2027-01-15T09:00:00.000Z"
    ) -> String? {
        let messageId = reserveNow(id, evse: evse, token: token, extra: extra, expiry: expiry)
        return status(answering: messageId)
    }

    func status(answering messageId: String) -> String? {
        result(answering: messageId)?["status"]?.string
    }

    /// "evseId:connectorStatus" of every StatusNotification sent so far, in order.
    var reportedStatuses: [String] {
        calls("StatusNotification").map { call in
            guard case .integer(let evseId)? = call["evseId"] else { return "?" }
            return "\(evseId):\(call["connectorStatus"]?.string ?? "?")"
        }
    }

    /// "reservationId:status" of every ReservationStatusUpdate sent so far.
    var reservationUpdates: [String] {
        calls("ReservationStatusUpdate").map { call in
            guard case .integer(let id)? = call["reservationId"] else { return "?" }
            return "\(id):\(call["reservationUpdateStatus"]?.string ?? "?")"
        }
    }
}

/// Functional block H (reservation) with a fake clock: ReserveNow's answers, what a reservation holds, the
/// tokens that may use it, its end by expiry, removal or cancellation, and its survival across a restart.
@Suite struct ReservationTests {
    static let group = #","groupIdToken":{"idToken":"FLEET","type":"Central"}"#
    static let acceptedInFleet = #"{"idTokenInfo":{"status":"Accepted","groupIdToken":{"idToken":"FLEET","type":"Central"}}}"#

    static func registered(evses: Int = 1, overrides: [(key: String, value: String)] = []) -> Harness {
        var harness = TransactionTests.registered(evses: evses, overrides: overrides)
        harness.effects.removeAll()
        return harness
    }

    static func token(_ value: String) -> IdToken { IdToken(idToken: CiString(value)!, type: .iso14443) }

    static func reservationId(_ call: SentCall?) -> Int? {
        guard case .integer(let id)? = call?["reservationId"] else { return nil }
        return Int(id)
    }

    // MARK: - ReserveNow

    /// [H01.FR.23, H03.FR.01/09/10, H01.FR.15]: Accepted, persisted before the answer, Reserved for the EVSE's
    /// connector only; the reserved token makes it Available again (used up) and its transaction's Started
    /// carries the reservation's id.
    @Test func TC_H_01_CS_theReservedTokenUsesItsReservationAndTheStartedEventNamesIt() {
        var harness = Self.registered(evses: 2)
        let id = harness.reserveNow(7, evse: 1)
        #expect(harness.status(answering: id) == "Accepted")
        let stored = harness.position { effect in
            if case .persist(let changes) = effect { return changes.contains { if case .reservation = $0 { true } else { false } } }
            return false
        }
        #expect(stored != nil && stored! < harness.sendPosition(containing: id)!)
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved"])

        _ = harness.start(.start(evseId: 1, Self.token("TAG1"), plugIn: false))
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Available"])
        #expect(harness.engine.reservations.isEmpty)
        #expect(harness.persisted.contains(.reservationRemoved(7)))
        harness.handle(.command(.plug(evseId: 1), ReplyID(99)))
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Available", "1:Occupied"])
        let started = harness.calls("TransactionEvent").first
        #expect(started?["eventType"]?.string == "Started")
        #expect(Self.reservationId(started) == 7)
        #expect(harness.calls("TransactionEvent").dropFirst().allSatisfy { $0["reservationId"] == nil })
        #expect(harness.reservationUpdates.isEmpty)
    }

    /// [H03.FR.01, F01.FR.21]: another token is refused at the reserved EVSE, locally without asking the CSMS
    /// and remotely with Rejected; the reservation stays.
    @Test func TC_H_02_CS_anotherTokenIsRefusedAtTheReservedEVSE() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1)
        harness.answerAllAccepting()
        #expect(harness.command(.start(evseId: 1, Self.token("TAG2"))) == .failed(.evseReserved(evseId: 1)))
        #expect(harness.calls("Authorize").isEmpty)
        let remote = harness.call(
            "RequestStartTransaction", #"{"idToken":{"idToken":"TAG2","type":"ISO14443"},"remoteStartId":5,"evseId":1}"#)
        #expect(harness.status(answering: remote) == "Rejected")
        harness.answerAllAccepting()
        #expect(harness.calls("TransactionEvent").isEmpty)
        #expect(harness.engine.reservations.reservation(id: 7) != nil)
        #expect(harness.reportedStatuses == ["1:Reserved"])
    }

    /// [ERR G01.FR.09, ERR H03 S1 #2]: with TxStartPoint EVConnected the cable starts a transaction but the
    /// connector stays Reserved; another token does not authorize it; the reserved one does, with the
    /// reservation's id in that Updated, and the connector turns Occupied.
    @Test func TC_H_02_CS_aCableOnTheReservedEVSEStartsNoChargingForAnotherToken() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStartPoint", "EVConnected")])
        harness.reserveNow(7, evse: 1)
        harness.handle(.command(.plug(evseId: 1), ReplyID(99)))
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved"])
        #expect(harness.calls("TransactionEvent").map { $0["eventType"]?.string } == ["Started"])
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == nil)

        #expect(harness.command(.start(evseId: 1, Self.token("TAG2"))) == .failed(.evseReserved(evseId: 1)))
        #expect(harness.engine.connectorSnapshots[0].powerW == 0)

        _ = harness.start(.start(evseId: 1, Self.token("TAG1")))
        harness.answerAllAccepting()
        let authorized = harness.calls("TransactionEvent").first { $0["triggerReason"]?.string == "Authorized" }
        #expect(Self.reservationId(authorized) == 7)
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Occupied"])
    }

    /// [H01.FR.11–14]: a reserved, occupied, faulted or unavailable EVSE answers Occupied, Occupied, Faulted,
    /// Unavailable; nothing is stored.
    @Test func TC_H_03_CS_TC_H_04_CS_TC_H_06_CS_anEVSEThatIsNotAvailableIsNotReserved() {
        var reserved = Self.registered()
        reserved.reserveNow(7, evse: 1)
        #expect(reserved.reserveStatus(8, evse: 1, token: "TAG2") == "Occupied")

        var occupied = Self.registered()
        _ = occupied.start(.start(evseId: 1, Self.token("TAG1")))
        occupied.answerAllAccepting()
        #expect(occupied.reserveStatus(8, evse: 1) == "Occupied")

        var faulted = Self.registered()
        _ = faulted.command(.fault(evseId: 1, "GroundFailure"))
        #expect(faulted.reserveStatus(8, evse: 1) == "Faulted")

        var unavailable = Self.registered()
        unavailable.changeAvailability("Inoperative", evse: #"{"id":1}"#)
        #expect(unavailable.reserveStatus(8, evse: 1) == "Unavailable")

        for harness in [occupied, faulted, unavailable] {
            #expect(!harness.persisted.contains { if case .reservation = $0 { true } else { false } })
        }
    }

    /// [H01.FR.11]: a cable plugged in with no session yet makes the EVSE Occupied, so it is not reserved.
    @Test func anEVSEWithACablePluggedInIsOccupied() {
        var harness = Self.registered()
        harness.handle(.command(.plug(evseId: 1), ReplyID(99)))
        #expect(harness.reserveStatus(8, evse: 1) == "Occupied")
    }

    /// [H04.FR.01–03]: at expiryDateTime, and not before, the connector turns Available and then the
    /// ReservationStatusUpdate Expired follows; the EVSE takes anyone again.
    @Test func TC_H_07_CS_anUnusedReservationExpiresAtItsExpiryDateTime() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1, expiry: "2027-01-15T08:01:00.000Z")
        harness.answerAllAccepting()
        #expect(harness.nextDeadline == harness.uptime + .seconds(60))
        harness.advance(by: .seconds(59))
        harness.answerAllAccepting()
        #expect(harness.reservationUpdates.isEmpty)
        harness.advance(by: .seconds(1))
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Available"])
        #expect(harness.reservationUpdates == ["7:Expired"])
        let sent = harness.sentCalls.map(\.action)
        #expect(sent.lastIndex(of: "StatusNotification")! < sent.firstIndex(of: "ReservationStatusUpdate")!)
        #expect(harness.persisted.contains(.reservationRemoved(7)))
        #expect(harness.command(.start(evseId: 1, Self.token("TAG2"))) == nil)
    }

    /// Offline, the ReservationStatusUpdate waits for the link like any other CALL, and is sent once it is up.
    @Test func anExpiryWhileOfflineIsReportedAfterTheReconnect() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1, expiry: "2027-01-15T08:01:00.000Z")
        harness.answerAllAccepting()
        harness.handle(.linkDown(reason: "test"))
        harness.advance(by: .seconds(61))
        #expect(harness.reservationUpdates.isEmpty)
        harness.handle(.linkUp)
        harness.answerAllAccepting()
        #expect(harness.reservationUpdates == ["7:Expired"])
    }

    /// A reservation that has already expired is Rejected.
    @Test func anExpiryDateTimeAlreadyPastIsRejected() {
        var harness = Self.registered()
        let id = harness.reserveNow(7, evse: 1, expiry: "2027-01-15T07:00:00.000Z")
        #expect(harness.status(answering: id) == "Rejected")
        #expect(harness.result(answering: id)?["statusInfo"]?["reasonCode"]?.string == "InvalidValue")
        #expect(harness.engine.reservations.isEmpty)
    }

    @Test func anUnknownEVSEIsRejected() {
        var harness = Self.registered(evses: 2)
        let id = harness.reserveNow(7, evse: 3)
        #expect(harness.status(answering: id) == "Rejected")
        #expect(harness.result(answering: id)?["statusInfo"]?["reasonCode"]?.string == "UnknownEvse")
    }

    // MARK: - Any EVSE

    /// [H01.FR.04/07, H03 S3]: with two EVSEs one reservation for any EVSE holds none of them (both stay
    /// Available, anyone may start on one); the reserved token uses it up where it starts, and the Started
    /// carries its id.
    @Test func TC_H_08_CS_aReservationForAnyEVSEKeepsOneFree() {
        var harness = Self.registered(evses: 2)
        #expect(harness.reserveStatus(7) == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses.isEmpty)
        _ = harness.start(.start(evseId: 2, Self.token("TAG1")))
        harness.answerAllAccepting()
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == 7)
        #expect(harness.engine.reservations.isEmpty)
    }

    /// [H01.FR.07/20]: another token starts on an EVSE the reservation for any EVSE can spare, without using
    /// it up; the last free EVSE then turns Reserved for it.
    @Test func anotherTokenTakesAnEVSETheReservationCanSpareAndTheLastOneTurnsReserved() {
        var harness = Self.registered(evses: 2)
        harness.reserveNow(7)
        _ = harness.start(.start(evseId: 1, Self.token("TAG2")))
        harness.answerAllAccepting()
        #expect(harness.calls("TransactionEvent").first?["reservationId"] == nil)
        #expect(harness.engine.reservations.all.map(\.id) == [7])
        #expect(harness.reportedStatuses == ["1:Occupied", "2:Reserved"])
        #expect(harness.command(.start(evseId: 2, Self.token("TAG3"))) == .failed(.evseReserved(evseId: 2)))
    }

    /// A token still waiting for the CSMS's Authorize at an EVSE the reservations need does not count as
    /// taking it: nothing is removed while the answer is awaited, and the answer decides.
    @Test func aTokenAwaitingItsAuthorizeRemovesNoReservation() {
        var harness = Self.registered(evses: 2)
        harness.reserveNow(1, token: "TAG1")
        harness.reserveNow(2, token: "TAG2")
        harness.answerAllAccepting()
        _ = harness.start(.start(evseId: 1, Self.token("TAG1")))
        #expect(harness.outstanding?.action == "Authorize")
        #expect(harness.engine.reservations.all.map(\.id) == [1, 2])
        harness.answerAllAccepting()
        #expect(harness.reservationUpdates.isEmpty)
        #expect(harness.engine.reservations.all.map(\.id) == [2])
        #expect(harness.engine.connectorSnapshots.map(\.status) == [.occupied, .reserved])
    }

    /// [H01.FR.20, TC_H_08_CS with one EVSE]: one EVSE, one reservation for any EVSE: it is Reserved.
    @Test func TC_H_08_CS_withOneEVSETheReservationForAnyEVSEHoldsIt() {
        var harness = Self.registered(evses: 1)
        #expect(harness.reserveStatus(7) == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved"])
    }

    /// [H01.FR.20, H01.FR.11]: as many reservations for any EVSE as EVSEs: every connector is Reserved, one more
    /// is Occupied, another token is refused everywhere; the reserved token uses one and the other EVSE stays
    /// Reserved for the other reservation.
    @Test func TC_H_14_CS_TC_H_09_CS_asManyReservationsAsEVSEsReserveThemAll() {
        var harness = Self.registered(evses: 2)
        #expect(harness.reserveStatus(1, token: "TAG1") == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses.isEmpty)
        #expect(harness.reserveStatus(2, token: "TAG2") == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "2:Reserved"])
        #expect(harness.reserveStatus(3, token: "TAG3") == "Occupied")
        #expect(harness.command(.start(evseId: 2, Self.token("TAG3"))) == .failed(.evseReserved(evseId: 2)))

        _ = harness.start(.start(evseId: 1, Self.token("TAG2")))
        harness.answerAllAccepting()
        #expect(harness.engine.reservations.all.map(\.id) == [1])
        #expect(harness.engine.connectorSnapshots.map(\.status) == [.occupied, .reserved])
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == 2)
    }

    /// [H01.FR.11, H01.FR.14]: for any EVSE, all EVSEs occupied answers Occupied, all unavailable Unavailable,
    /// all faulted Faulted.
    @Test func TC_H_10_CS_TC_H_12_CS_anyEVSEAnswersAsTheEVSEsAre() {
        var occupied = Self.registered(evses: 2)
        for evse in 1...2 {
            _ = occupied.start(.start(evseId: evse, Self.token("TAG\(evse)")))
            occupied.answerAllAccepting()
        }
        #expect(occupied.reserveStatus(7) == "Occupied")

        var unavailable = Self.registered(evses: 2)
        unavailable.changeAvailability("Inoperative")
        #expect(unavailable.reserveStatus(7) == "Unavailable")

        var faulted = Self.registered(evses: 2)
        _ = faulted.command(.fault(evseId: 1, "GroundFailure"))
        _ = faulted.command(.fault(evseId: 2, "GroundFailure"))
        #expect(faulted.reserveStatus(7) == "Faulted")
    }

    /// [H01.FR.06/09/24, H03.FR.02]: the station's connectors are cType2: a reservation for that type is held
    /// like one for any EVSE (one EVSE: Reserved); a second one is Occupied; a type the station does not have
    /// is Rejected.
    @Test func TC_H_15_CS_TC_H_16_CS_aReservationForAConnectorType() {
        var harness = Self.registered(evses: 1)
        #expect(harness.reserveStatus(7, extra: #","connectorType":"cType2""#) == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved"])
        #expect(harness.reserveStatus(8, token: "TAG2", extra: #","connectorType":"cType2""#) == "Occupied")
        let other = harness.reserveNow(9, extra: #","connectorType":"cCCS2""#)
        #expect(harness.status(answering: other) == "Rejected")
        #expect(harness.result(answering: other)?["statusInfo"]?["reasonCode"]?.string == "UnknownConnectorType")
        let specific = harness.reserveNow(10, evse: 1, extra: #","connectorType":"cCCS2""#)
        #expect(harness.result(answering: specific)?["statusInfo"]?["reasonCode"]?.string == "UnknownConnectorType")
        _ = harness.start(.start(evseId: 1, Self.token("TAG1")))
        harness.answerAllAccepting()
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == 7)
    }

    // MARK: - Cancel

    /// [H02.FR.02, ERR H02.FR.03/04, H02 remark]: Accepted, the connector Available again, no update sent.
    @Test func TC_H_17_CS_cancellingAReservationFreesItsEVSE() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1)
        harness.answerAllAccepting()
        let id = harness.call("CancelReservation", #"{"reservationId":7}"#)
        #expect(harness.status(answering: id) == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Available"])
        #expect(harness.reservationUpdates.isEmpty)
        #expect(harness.persisted.last == .reservationRemoved(7))
    }

    /// [H02.FR.01].
    @Test func TC_H_18_CS_cancellingAnUnknownReservationIsRejected() {
        var harness = Self.registered()
        let id = harness.call("CancelReservation", #"{"reservationId":1}"#)
        #expect(harness.status(answering: id) == "Rejected")
        #expect(harness.persisted.isEmpty)
    }

    // MARK: - Groups

    /// [H03.FR.04/08, H01.FR.15]: a token unknown to the list and the cache is authorized at the CSMS to learn
    /// its group; the reservation's group admits it and its Started carries the reservation.
    @Test func TC_H_19_CS_aTokenOfTheReservationsGroupLearntFromTheCSMSUsesIt() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1, extra: Self.group)
        harness.answerAllAccepting()
        _ = harness.start(.start(evseId: 1, Self.token("TAG2")))
        #expect(harness.outstanding?.action == "Authorize")
        harness.answerOutstanding(Self.acceptedInFleet)
        harness.answerAllAccepting()
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == 7)
        #expect(harness.engine.reservations.isEmpty)
    }

    /// [H03.FR.04]: the CSMS accepts the token but gives it another group (or none): refused, the reservation
    /// stays, and the caller hears why.
    @Test func aTokenOfAnotherGroupIsRefusedAfterItsAuthorize() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1, extra: Self.group)
        harness.answerAllAccepting()
        let reply = harness.start(.start(evseId: 1, Self.token("TAG2")))
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Accepted","groupIdToken":{"idToken":"OTHER","type":"Central"}}}"#)
        harness.answerAllAccepting()
        #expect(harness.reply(to: reply) == .failed(.evseReserved(evseId: 1)))
        #expect(harness.calls("TransactionEvent").isEmpty)
        #expect(harness.engine.reservations.reservation(id: 7) != nil)
        #expect(harness.engine.connectorSnapshots[0].status == .reserved)
    }

    /// [H03.FR.07]: a local list entry gives the token's group: no Authorize is needed.
    @Test func theGroupOfALocalListTokenNeedsNoAuthorize() {
        var harness = Self.registered()
        let list = harness.call("SendLocalList", #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"TAG2","type":"ISO14443"},"idTokenInfo":{"status":"Accepted","groupIdToken":{"idToken":"FLEET","type":"Central"}}}]}"#)
        #expect(harness.status(answering: list) == "Accepted")
        harness.reserveNow(7, evse: 1, extra: Self.group)
        harness.answerAllAccepting()
        _ = harness.start(.start(evseId: 1, Self.token("TAG2")))
        harness.answerAllAccepting()
        #expect(harness.calls("Authorize").isEmpty)
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == 7)
    }

    /// [F01.FR.22]: RequestStartTransaction's groupIdToken admits its token at an EVSE reserved for the group,
    /// without asking; the first event carries RemoteStart and the reservation.
    @Test func aRemoteStartWithTheReservationsGroupUsesIt() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1, extra: Self.group)
        harness.answerAllAccepting()
        let id = harness.call(
            "RequestStartTransaction",
            #"{"idToken":{"idToken":"TAG2","type":"ISO14443"},"remoteStartId":5,"evseId":1,"groupIdToken":{"idToken":"FLEET","type":"Central"}}"#)
        #expect(harness.status(answering: id) == "Accepted")
        harness.handle(.command(.plug(evseId: 1), ReplyID(99)))
        harness.answerAllAccepting()
        let started = harness.calls("TransactionEvent").first
        #expect(started?["triggerReason"]?.string == "RemoteStart")
        #expect(Self.reservationId(started) == 7)
    }

    /// [H03.FR.06]: a reservation for any EVSE with a group, on a one-EVSE station: Reserved, and a token of the
    /// group uses it.
    @Test func TC_H_24_CS_aReservationForAnyEVSEAdmitsItsGroup() {
        var harness = Self.registered(evses: 1)
        #expect(harness.reserveStatus(7, extra: Self.group) == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved"])
        _ = harness.start(.start(evseId: 1, Self.token("TAG2")))
        harness.answerOutstanding(Self.acceptedInFleet)
        harness.answerAllAccepting()
        #expect(Self.reservationId(harness.calls("TransactionEvent").first) == 7)
    }

    // MARK: - Removal

    /// [H01.FR.17]: Inoperative → Unavailable, then ReservationStatusUpdate Removed; Operative again →
    /// Available, and the EVSE takes anyone.
    @Test func TC_H_21_CS_anEVSEMadeUnavailableRemovesItsReservation() {
        var harness = Self.registered(evses: 2)
        harness.reserveNow(7, evse: 1)
        harness.answerAllAccepting()
        let change = harness.changeAvailability("Inoperative", evse: #"{"id":1}"#)
        #expect(harness.status(answering: change) == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Unavailable"])
        #expect(harness.reservationUpdates == ["7:Removed"])
        let sent = harness.sentCalls.map(\.action)
        #expect(sent.lastIndex(of: "StatusNotification")! < sent.firstIndex(of: "ReservationStatusUpdate")!)
        harness.changeAvailability("Operative", evse: #"{"id":1}"#)
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses.last == "1:Available")
        #expect(harness.engine.reservations.isEmpty)
    }

    /// [H01.FR.16]: a fault removes the reservation of its EVSE.
    @Test func aFaultedEVSERemovesItsReservation() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1)
        harness.answerAllAccepting()
        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Faulted"])
        #expect(harness.reservationUpdates == ["7:Removed"])
    }

    /// [H01.FR.16/17]: reservations for any EVSE that the remaining EVSEs cannot all hold lose the most recent
    /// one; one that still fits stays.
    @Test func anEVSELostByReservationsForAnyEVSERemovesTheMostRecentOne() {
        var harness = Self.registered(evses: 2)
        harness.reserveNow(1, token: "TAG1")
        harness.reserveNow(2, token: "TAG2")
        harness.answerAllAccepting()
        _ = harness.command(.fault(evseId: 2, "GroundFailure"))
        harness.answerAllAccepting()
        #expect(harness.reservationUpdates == ["2:Removed"])
        #expect(harness.engine.reservations.all.map(\.id) == [1])
        #expect(harness.engine.connectorSnapshots.map(\.status) == [.reserved, .faulted])
    }

    // MARK: - Configuration and replacement

    /// [H01.FR.01]: ReservationCtrlr.Enabled false: Rejected; the variables are in the device model.
    @Test func TC_H_22_CS_reservationsDisabledAreRejected() {
        var harness = Self.registered(overrides: [("ReservationCtrlr.Enabled", "false")])
        let id = harness.reserveNow(7, evse: 1)
        #expect(harness.status(answering: id) == "Rejected")
        #expect(harness.result(answering: id)?["statusInfo"]?["reasonCode"]?.string == "NotEnabled")
        let read = harness.call(
            "GetVariables",
            #"{"getVariableData":[{"component":{"name":"ReservationCtrlr"},"variable":{"name":"Available"}},{"component":{"name":"ReservationCtrlr"},"variable":{"name":"NonEvseSpecific"}}]}"#)
        let values = harness.result(answering: read)?["getVariableResult"]
        #expect(values?[0]?["attributeValue"]?.string == "true")
        #expect(values?[1]?["attributeValue"]?.string == "true")
    }

    /// [H01.FR.02]: the same id moves the reservation to another EVSE; a replacement that is refused leaves the
    /// reservation as it was.
    @Test func TC_H_23_CS_theSameIdReplacesTheReservation() {
        var harness = Self.registered(evses: 2)
        harness.reserveNow(7, evse: 1)
        harness.answerAllAccepting()
        #expect(harness.reserveStatus(7, evse: 2, token: "TAG2") == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.reportedStatuses == ["1:Reserved", "1:Available", "2:Reserved"])
        #expect(harness.engine.reservations.all.map(\.idToken) == [Self.token("TAG2")])

        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        #expect(harness.reserveStatus(7, evse: 1) == "Faulted")
        #expect(harness.engine.reservations.all.map(\.evseId) == [2])
        // Replacing it on its own EVSE is no conflict with itself.
        #expect(harness.reserveStatus(7, evse: 2, token: "TAG3") == "Accepted")
    }

    // MARK: - Restart and malformed requests

    /// [B01.FR.13]: what was stored is in force after a restart: the boot reports Reserved and the expiry timer
    /// runs on.
    @Test func aReservationSurvivesARestart() {
        var harness = Self.registered()
        harness.reserveNow(7, evse: 1, expiry: "2027-01-15T08:10:00.000Z")
        let stored = harness.persisted.compactMap { change -> Reservation? in
            if case .reservation(let reservation) = change { return reservation }
            return nil
        }
        #expect(stored.map(\.id) == [7])
        var restarted = Harness(evses: 1, persisted: PersistedState(reservations: stored))
        restarted.boot()
        restarted.answerAllAccepting()
        #expect(restarted.reportedStatuses == ["1:Reserved"])
        #expect(restarted.command(.start(evseId: 1, Self.token("TAG2"))) == .failed(.evseReserved(evseId: 1)))
        restarted.advance(by: .seconds(600))
        restarted.answerAllAccepting()
        #expect(restarted.reservationUpdates == ["7:Expired"])
    }

    @Test(arguments: [
        (#"{"id":1,"expiryDateTime":"2027-01-15T09:00:00.000Z"}"#, "OccurrenceConstraintViolation"),
        (#"{"id":"1","expiryDateTime":"2027-01-15T09:00:00.000Z","idToken":{"idToken":"A","type":"ISO14443"}}"#, "TypeConstraintViolation"),
        (#"{"id":1,"expiryDateTime":"2027-01-15T09:00:00.000Z","idToken":{"idToken":"A","type":"ISO14443"},"connectorType":"cXYZ"}"#, "PropertyConstraintViolation"),
        (#"{"id":1,"expiryDateTime":"2027-01-15T09:00:00.000Z","idToken":{"idToken":"A","type":"ISO14443"},"evse":1}"#, "FormatViolation"),
    ])
    func aMalformedReserveNowGetsItsCallError(_ payload: String, _ code: String) {
        var harness = Self.registered()
        let id = harness.call("ReserveNow", payload)
        #expect(harness.errorCode(answering: id) == code)
        #expect(harness.engine.reservations.isEmpty)
    }

    /// An evseId at either end of the integers names no EVSE: Rejected, never an overflow.
    @Test func anEVSEIdAtTheEndsOfTheIntegersIsUnknown() {
        var harness = Self.registered()
        for evseId in [Int64.min, Int64.max] {
            let reserve = harness.reserveNow(7, evse: Int(evseId))
            #expect(harness.result(answering: reserve)?["statusInfo"]?["reasonCode"]?.string == "UnknownEvse")
            let remote = harness.call(
                "RequestStartTransaction",
                #"{"idToken":{"idToken":"TAG1","type":"ISO14443"},"remoteStartId":5,"evseId":\#(evseId)}"#)
            #expect(harness.status(answering: remote) == "Rejected")
        }
    }

    @Test func aMalformedCancelReservationGetsItsCallError() {
        var harness = Self.registered()
        let missing = harness.call("CancelReservation", #"{}"#)
        #expect(harness.errorCode(answering: missing) == "OccurrenceConstraintViolation")
        let fraction = harness.call("CancelReservation", #"{"reservationId":1.5}"#)
        #expect(harness.errorCode(answering: fraction) == "TypeConstraintViolation")
    }

    /// `GET /reservations`: the reservations in the order they were made.
    @Test func theAPIListsTheReservations() {
        var harness = Self.registered(evses: 2)
        harness.reserveNow(7, evse: 2)
        harness.reserveNow(3, extra: Self.group)
        guard case .reservations(let listed)? = harness.command(.reservations) else {
            Issue.record("no reservations answered")
            return
        }
        #expect(listed.map(\.id) == [7, 3])
        #expect(listed[1].groupIdToken?.idToken == "FLEET")
        #expect(listed[1].evseId == nil)
    }
}
