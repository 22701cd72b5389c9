import OCPP16
import SmartCharging
import Testing

@Suite("ClearChargingProfile")
struct ClearTests {
    /// id 1: connector 0, ChargePointMax, level 0 · id 2: connector 0, TxDefault, level 0 ·
    /// id 3: connector 1, TxDefault, level 1 · id 4: connector 1, TxProfile, level 1 ·
    /// id 5: connector 2, TxDefault, level 1.
    private let setUp = installing([
        (0, profile(id: 1, stackLevel: 0, purpose: .chargePointMaxProfile, periods: [period(0, 32)])),
        (0, profile(id: 2, stackLevel: 0, periods: [period(0, 16)])),
        (1, profile(id: 3, stackLevel: 1, periods: [period(0, 16)])),
        (1, profile(id: 4, stackLevel: 1, purpose: .txProfile, kind: .relative, periods: [period(0, 16)])),
        (2, profile(id: 5, stackLevel: 1, periods: [period(0, 16)])),
    ])

    struct Criteria: Sendable, CustomTestStringConvertible {
        var id: Int?
        var connectorId: Int?
        var purpose: ChargingProfilePurpose?
        var stackLevel: Int?
        var remaining: [Int]

        var testDescription: String {
            "id \(id.map(String.init) ?? "-") connector \(connectorId.map(String.init) ?? "-") "
                + "purpose \(purpose?.rawValue ?? "-") level \(stackLevel.map(String.init) ?? "-")"
        }
    }

    @Test(arguments: [
        Criteria(remaining: []),
        Criteria(id: 3, remaining: [1, 2, 4, 5]),
        // With an id the other criteria are ignored, even when they contradict it.
        Criteria(id: 3, connectorId: 2, purpose: .chargePointMaxProfile, stackLevel: 0, remaining: [1, 2, 4, 5]),
        Criteria(connectorId: 0, remaining: [3, 4, 5]),
        Criteria(connectorId: 1, remaining: [1, 2, 5]),
        Criteria(purpose: .txDefaultProfile, remaining: [1, 4]),
        Criteria(stackLevel: 1, remaining: [1, 2]),
        Criteria(connectorId: 1, purpose: .txDefaultProfile, remaining: [1, 2, 4, 5]),
        Criteria(purpose: .txDefaultProfile, stackLevel: 0, remaining: [1, 3, 4, 5]),
        Criteria(connectorId: 1, purpose: .txDefaultProfile, stackLevel: 1, remaining: [1, 2, 4, 5]),
    ])
    func clearsWhatMatches(criteria: Criteria) {
        var profiles = setUp
        let cleared = profiles.clear(
            id: criteria.id, connectorId: criteria.connectorId, purpose: criteria.purpose,
            stackLevel: criteria.stackLevel)
        #expect(cleared)
        #expect(profiles.installed.map(\.profile.chargingProfileId) == criteria.remaining)
    }

    @Test(arguments: [
        Criteria(id: 99, remaining: [1, 2, 3, 4, 5]),
        Criteria(id: 99, connectorId: 1, remaining: [1, 2, 3, 4, 5]),
        Criteria(connectorId: 2, purpose: .txProfile, remaining: [1, 2, 3, 4, 5]),
        Criteria(connectorId: 0, stackLevel: 1, remaining: [1, 2, 3, 4, 5]),
    ])
    func nothingMatchedIsUnknown(criteria: Criteria) {
        var profiles = setUp
        let cleared = profiles.clear(
            id: criteria.id, connectorId: criteria.connectorId, purpose: criteria.purpose,
            stackLevel: criteria.stackLevel)
        #expect(!cleared)
        #expect(profiles == setUp)
    }

    @Test func anEmptyStoreHasNothingToClear() {
        var profiles = ChargingProfiles()
        let cleared = profiles.clear(id: nil, connectorId: nil, purpose: nil, stackLevel: nil)
        #expect(!cleared)
    }
}
