import OCPP16

/// Converts limits between amperes per phase and total watts: W = A × 230 V × phases
/// (reference §4.5).
struct ElectricalConversion {
    static let nominalVoltage = 230.0

    /// How many phases the connector is wired for. A period asking for more phases than that
    /// does not rescale the limit: the car simply draws on fewer phases (reference §6.13).
    let phases: Int

    init(phases: Int) {
        precondition((1...3).contains(phases), "a connector has 1 to 3 phases, not \(phases)")
        self.phases = phases
    }

    /// The phases a period really charges on: its numberPhases (3 when absent, reference §3.1),
    /// capped by the wiring.
    func effectivePhases(_ numberPhases: Int?) -> Int {
        min(numberPhases ?? 3, phases)
    }

    /// Total power, the one quantity in which limits of different units and phase counts compare.
    func watts(_ limit: ScheduledLimit) -> Double {
        switch limit.unit {
        case .watts: limit.value
        case .amperes: limit.value * Self.nominalVoltage * Double(effectivePhases(limit.numberPhases))
        }
    }

    /// `limit` in `unit`. A converted value is rounded down to the 0.1 the schema allows for
    /// decimals (reference §2), down so that it never exceeds the original limit.
    func value(of limit: ScheduledLimit, in unit: ChargingRateUnit) -> Double {
        guard limit.unit != unit else { return limit.value }
        let volts = Self.nominalVoltage * Double(effectivePhases(limit.numberPhases))
        let converted = unit == .watts ? limit.value * volts : limit.value / volts
        // The small bias keeps 6.3 A × 690 V = 4346.9999… from dropping to 4346.9.
        return ((converted * 10) + 1e-6).rounded(.down) / 10
    }
}
