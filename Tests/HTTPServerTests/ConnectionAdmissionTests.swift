import Testing

@testable import HTTPServer

@Suite struct ConnectionAdmissionTests {
    let here: [UInt8] = [127, 0, 0, 1]
    let there: [UInt8] = [10, 0, 0, 2]

    func admission(limit: Int = 4, perAddress: Int = 3, timeout: Int = 10) -> ConnectionAdmission<Int> {
        ConnectionAdmission(limits: .init(requestTimeout: .seconds(timeout), connectionLimit: limit,
                                          perAddressLimit: perAddress))
    }

    @Test func aRequestMustArriveWithinTheTimeoutHoweverSlowlyItTrickles() {
        var admission = admission()
        #expect(admission.opened(1, address: here, now: .seconds(0)).isEmpty)
        #expect(admission.nextDeadline == .seconds(10))
        #expect(admission.expire(now: .seconds(9)).isEmpty)
        #expect(admission.expire(now: .seconds(10)) == [1])
        #expect(admission.expire(now: .seconds(11)).isEmpty, "chosen once")
        #expect(admission.count == 0)
    }

    @Test func aBusyConnectionHasNoDeadlineAndTheNextRequestGetsAFreshOne() {
        var admission = admission()
        _ = admission.opened(1, address: here, now: .seconds(0))
        admission.requestReceived(1)
        #expect(admission.nextDeadline == nil)
        #expect(admission.expire(now: .seconds(100)).isEmpty)
        admission.answerSent(1, now: .seconds(100))
        #expect(admission.nextDeadline == .seconds(110))
        admission.closed(1)
        #expect(admission.nextDeadline == nil)
        #expect(admission.count == 0)
    }

    @Test func aNewcomerPastTheAddressLimitDisplacesThatAddressesOldestReceivingConnection() {
        var admission = admission(limit: 10, perAddress: 3)
        _ = admission.opened(1, address: here, now: .seconds(0))
        _ = admission.opened(2, address: there, now: .seconds(1))
        _ = admission.opened(3, address: here, now: .seconds(2))
        admission.requestReceived(3)
        _ = admission.opened(4, address: here, now: .seconds(3))
        #expect(admission.opened(5, address: here, now: .seconds(4)) == [1])
        #expect(admission.opened(6, address: here, now: .seconds(5)) == [4], "3 is busy, 2 is another address")
        #expect(admission.count == 4)
    }

    @Test func aNewcomerPastTheTotalLimitDisplacesTheOldestReceivingConnectionOfAnyAddress() {
        var admission = admission(limit: 3, perAddress: 3)
        _ = admission.opened(1, address: here, now: .seconds(0))
        _ = admission.opened(2, address: there, now: .seconds(1))
        _ = admission.opened(3, address: there, now: .seconds(2))
        admission.requestReceived(1)
        #expect(admission.opened(4, address: [10, 0, 0, 3], now: .seconds(3)) == [2])
        #expect(admission.count == 3)
    }

    @Test func whenEveryOtherConnectionIsBusyTheNewcomerIsRefused() {
        var admission = admission(limit: 2, perAddress: 2)
        _ = admission.opened(1, address: here, now: .seconds(0))
        _ = admission.opened(2, address: there, now: .seconds(0))
        admission.requestReceived(1)
        admission.requestReceived(2)
        #expect(admission.opened(3, address: here, now: .seconds(1)) == [3])
        #expect(admission.count == 2)
        admission.closed(3)
        #expect(admission.count == 2)
    }

    @Test func aDisplacedConnectionIsNotCountedNorChosenAgain() {
        var admission = admission(limit: 10, perAddress: 1)
        _ = admission.opened(1, address: here, now: .seconds(0))
        #expect(admission.opened(2, address: here, now: .seconds(1)) == [1])
        #expect(admission.opened(3, address: here, now: .seconds(2)) == [2])
        #expect(admission.expire(now: .seconds(60)) == [3])
    }
}
