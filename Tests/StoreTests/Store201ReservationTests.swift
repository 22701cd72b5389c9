import OCPP201
import Station201
import TestFixtures
import Testing

@testable import Store

@Suite struct Store201ReservationTests {
    /// The reservations in force come back in the order the engine made them: a replaced one counts as made
    /// when it was replaced, a removed one is gone.
    @Test func theReservationsAreReadBackInTheOrderTheyWereMade() throws {
        let folder = try TemporaryDirectory()
        let expiry = Timestamp(millisecondsSince1970: 1_800_000_000_000)
        func reservation(_ id: Int, _ token: String, evseId: Int? = nil) -> Reservation {
            Reservation(
                id: id, expiryDateTime: expiry, idToken: IdToken(idToken: CiString(token)!, type: .iso14443),
                groupIdToken: IdToken(idToken: "FLEET", type: .central), evseId: evseId, connectorType: .cType2)
        }
        let replaced = reservation(1, "TAG3", evseId: 2)
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.reservation(reservation(1, "TAG1", evseId: 1)), .reservation(reservation(2, "TAG2"))])
            try store.apply([.reservation(reservation(3, "TAG4")), .reservation(replaced), .reservationRemoved(3)])
        }
        #expect(try Store201(directory: folder.path).load().reservations == [reservation(2, "TAG2"), replaced])
    }
}
