import EVSimulation
import Testing

@Suite("Electric vehicle")
struct ElectricVehicleTests {
    private func vehicle(
        soc: Double, target: Double = 100, supply: Supply = .ac(.three), maxPowerW: Double = 11_000,
        departure: Duration? = nil
    ) -> ElectricVehicle {
        ElectricVehicle(
            capacityWh: 40_000, socPercent: soc, targetSoCPercent: target, supply: supply, maxPowerW: maxPowerW,
            curve: ChargingCurve(kneePercent: 80, floorFraction: 0.1), departure: departure)
    }

    @Test func powerIsFlatToTheKneeThenTapersToTheFloor() {
        let powers = stride(from: 0.0, through: 99.9, by: 0.1).map { vehicle(soc: $0).power(offeredLimitW: nil) }
        #expect(powers.prefix(801).allSatisfy { $0 == 11_000 })
        #expect(zip(powers, powers.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(vehicle(soc: 90).power(offeredLimitW: nil) < 11_000 * 0.6)
        #expect(powers.allSatisfy { $0 >= 1_100 })
    }

    @Test func noPowerAtTheTargetAndNeverNegative() {
        #expect(vehicle(soc: 80, target: 80).power(offeredLimitW: nil) == 0)
        #expect(vehicle(soc: 85, target: 80).isFull)
        #expect(vehicle(soc: 50).power(offeredLimitW: -500) == 0)
        var charged = vehicle(soc: 70, target: 75)
        charged.charge(at: 11_000, for: .seconds(7200))
        #expect(charged.socPercent == 75)
        #expect(charged.power(offeredLimitW: nil) == 0)
        #expect(charged.charge(at: 11_000, for: .seconds(60)) == 0)
    }

    @Test func theLimitInForceIsHonoured() {
        #expect(vehicle(soc: 30).power(offeredLimitW: 4_000) == 4_000)
        #expect(vehicle(soc: 30).power(offeredLimitW: 0) == 0)
        #expect(vehicle(soc: 30).power(offeredLimitW: 50_000) == 11_000)
        var limited = vehicle(soc: 30)
        #expect(abs(limited.charge(at: 4_000, for: .seconds(3600)) - 4_000) < 1e-6)
        #expect(abs(limited.socPercent - 40) < 1e-9)
    }

    @Test func neverAboveAHundredPercent() {
        var full = vehicle(soc: 95)
        full.charge(at: 1_000_000, for: .seconds(86_400))
        #expect(full.socPercent == 100)
        #expect(abs(full.sessionEnergyWh - 2_000) < 1e-6)
    }

    /// The energy taken is ∫P dt of the power it reports, and the charge rises by that energy over the capacity.
    @Test(arguments: [nil, 7_000.0])
    func energyIsConserved(limitW: Double?) {
        var ev = vehicle(soc: 60)
        var integral = 0.0
        for _ in 0..<(5 * 3600) {
            let power = ev.power(offeredLimitW: limitW)
            integral += power / 3600
            ev.charge(at: power, for: .seconds(1))
        }
        #expect(ev.socPercent > 99)
        #expect(abs(ev.sessionEnergyWh - integral) < integral * 0.001)
        #expect(abs((ev.socPercent - 60) * 40_000 / 100 - ev.sessionEnergyWh) < 1e-6)
    }

    /// The closed form does not depend on how the runtime slices time.
    @Test func oneLongStepEqualsManyShortOnes() {
        var once = vehicle(soc: 50)
        var sliced = once
        once.charge(at: 7_000, for: .seconds(3 * 3600))
        for _ in 0..<(3 * 3600) { sliced.charge(at: 7_000, for: .seconds(1)) }
        #expect(once.socPercent > 90 && once.socPercent < 100)
        #expect(abs(once.socPercent - sliced.socPercent) < 1e-6)
        #expect(abs(once.sessionEnergyWh - sliced.sessionEnergyWh) < 1e-3)
    }

    @Test(arguments: [Supply.ac(.three), .ac(.one), .dc])
    func readingsAreCoherent(supply: Supply) {
        for soc in stride(from: 5.0, through: 95, by: 5) {
            for limit in [nil, 3_333.3, 1_234.5, 0] {
                let reading = vehicle(soc: soc, supply: supply, maxPowerW: supply == .dc ? 50_000 : 7_400)
                    .reading(offeredLimitW: limit)
                let conductors = Double(reading.phases ?? 1)
                let bound = 0.005 * reading.voltageV * conductors + 0.05 * reading.currentA * conductors + 0.5
                #expect(abs(reading.voltageV * reading.currentA * conductors - reading.powerW) <= bound)
                #expect(reading.socPercent == (soc * 10).rounded() / 10)
            }
        }
        if case .ac(let phases) = supply {
            #expect(vehicle(soc: 10, supply: supply).reading(offeredLimitW: nil).phases == phases.rawValue)
            #expect(vehicle(soc: 10, supply: supply).reading(offeredLimitW: nil).voltageV == 230)
        }
    }

    @Test func dcVoltageRisesWithTheCharge() {
        let low = vehicle(soc: 10, supply: .dc, maxPowerW: 50_000).reading(offeredLimitW: nil)
        let high = vehicle(soc: 90, supply: .dc, maxPowerW: 50_000).reading(offeredLimitW: nil)
        #expect(low.phases == nil)
        #expect(350 <= low.voltageV && low.voltageV < high.voltageV && high.voltageV <= 400)
        #expect(low.currentA == 140.85)
    }

    @Test func departureWinsOverFullness() {
        let staying = vehicle(soc: 100, departure: .seconds(3600))
        #expect(staying.isFull)
        #expect(!staying.wantsToLeave(at: .seconds(3599)))
        #expect(staying.wantsToLeave(at: .seconds(3600)))
        var untilFull = vehicle(soc: 79, target: 80)
        #expect(!untilFull.wantsToLeave(at: .seconds(1_000_000)))
        untilFull.charge(at: 11_000, for: .seconds(3600))
        #expect(untilFull.wantsToLeave(at: .zero))
    }
}
