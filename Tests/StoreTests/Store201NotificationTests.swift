import OCPP201
import Station201
import TestFixtures
import Testing

@testable import Store

@Suite struct Store201NotificationTests {
    /// Stored notifications come back in their order, without the delivered ones.
    @Test func undeliveredNotificationsAreReadBackInOrder() throws {
        let folder = try TemporaryDirectory()
        let first = StoredNotification(
            id: 1, action: .reservationStatusUpdate,
            payload: .object(["reservationId": .integer(3), "reservationUpdateStatus": .string("Expired")]),
            allowedWhilePending: false)
        var second = first
        second.id = 2
        var third = first
        third.id = 3
        third.action = .notifyEvent
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.notification(third), .notification(first), .notification(second)])
            try store.apply([.notificationDelivered(2)])
        }
        #expect(try Store201(directory: folder.path).load().notifications == [first, third])
    }
}
