import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// `Reservations` on its own, with EVSEs of two plug types, which the station's engine (every connector
/// cType2) cannot show: which EVSEs reservations for a plug hold, and which claims they allow.
@Suite struct ReservationsTests {
    static let expiry = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    static func reservation(_ id: Int, _ token: String, type: ConnectorType? = nil) -> Reservation {
        Reservation(
            id: id, expiryDateTime: expiry, idToken: IdToken(idToken: CiString(token)!, type: .iso14443),
            connectorType: type)
    }

    static func token(_ value: String) -> IdToken { IdToken(idToken: CiString(value)!, type: .iso14443) }

    /// EVSE 1 has a cType2 plug, EVSE 2 a cCCS2 one.
    static let evses = [
        ReservableEVSE(id: 1, connectorType: "cType2", status: .available, open: true),
        ReservableEVSE(id: 2, connectorType: "cCCS2", status: .available, open: true),
    ]

    /// [H01.FR.24]: the only cType2 EVSE is held for a cType2 reservation; with one for any plug as well,
    /// both are held; a second cType2 one does not fit (Occupied).
    @Test func aReservationForAPlugHoldsTheEVSEsOfThatPlug() {
        var reservations = Reservations([Self.reservation(1, "TAG1", type: .cType2)])
        #expect(reservations.reserved(Self.evses) == [1])
        #expect(reservations.admission(of: Self.reservation(2, "TAG2"), on: Self.evses) == .accepted)
        reservations.place(Self.reservation(2, "TAG2"))
        #expect(reservations.reserved(Self.evses) == [1, 2])
        #expect(reservations.admission(of: Self.reservation(3, "TAG3", type: .cType2), on: Self.evses) == .occupied)
    }

    /// The token of the reservation for any plug takes the cCCS2 EVSE, not the cType2 one the other
    /// reservation needs.
    @Test func aReservationForAnyPlugIsNotClaimedWhereAnotherNeedsThePlug() {
        let reservations = Reservations([Self.reservation(1, "TAG1", type: .cType2), Self.reservation(2, "TAG2")])
        func verdict(_ token: String, atEVSE id: Int) -> ReservationVerdict {
            reservations.verdict(
                for: Self.token(token), group: nil, groupKnown: true, at: Self.evses[id - 1], among: Self.evses)
        }
        #expect(verdict("TAG2", atEVSE: 1) == .refused)
        #expect(verdict("TAG2", atEVSE: 2) == .claims(2))
        #expect(verdict("TAG1", atEVSE: 1) == .claims(1))
    }

    /// [H01.FR.16]: the cType2 EVSE faulted: the reservation for that plug is the one removed; the one for any
    /// plug keeps the other EVSE, although it was made later.
    @Test func aLostEVSERemovesTheReservationThatCannotBeServed() {
        var reservations = Reservations([Self.reservation(1, "TAG1", type: .cType2), Self.reservation(2, "TAG2")])
        var evses = Self.evses
        evses[0].status = .faulted
        evses[0].open = false
        #expect(reservations.takeUnusable(evses).map(\.id) == [1])
        #expect(reservations.all.map(\.id) == [2])
        #expect(reservations.reserved(evses) == [2])
    }
}
