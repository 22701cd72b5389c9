import OCPP201
import Station201
import TestFixtures
import Testing

@testable import Store

@Suite struct Store201ChargingProfileTests {
    /// The installed profiles come back as the engine last stored them, every member (a TxProfile's transaction,
    /// the source, a schedule's start) intact.
    @Test func theChargingProfilesAreReadBackAsLastStored() throws {
        let folder = try TemporaryDirectory()
        let schedule = ChargingSchedule(
            id: 1, startSchedule: Timestamp(millisecondsSince1970: 1_800_000_000_000), duration: 3600,
            chargingRateUnit: .amperes,
            chargingSchedulePeriod: [ChargingSchedulePeriod(startPeriod: 0, limit: 16, numberPhases: 1)])
        let txProfile = StationChargingProfile(
            evseId: 1, source: .cso,
            profile: ChargingProfile(
                id: 7, stackLevel: 2, chargingProfilePurpose: .txProfile, chargingProfileKind: .absolute,
                chargingSchedule: [schedule], transactionId: "tx-1"))
        let external = StationChargingProfile(
            evseId: 0, source: .ems,
            profile: ChargingProfile(
                id: -1, stackLevel: 0, chargingProfilePurpose: .chargingStationExternalConstraints,
                chargingProfileKind: .absolute, chargingSchedule: [schedule]))
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.chargingProfiles([txProfile])])
            try store.apply([.chargingProfiles([txProfile, external])])
        }
        #expect(try Store201(directory: folder.path).load().chargingProfiles == [txProfile, external])
    }

    @Test func aNewDataFolderHasNoProfiles() throws {
        let folder = try TemporaryDirectory()
        #expect(try Store201(directory: folder.path).load().chargingProfiles.isEmpty)
    }
}
