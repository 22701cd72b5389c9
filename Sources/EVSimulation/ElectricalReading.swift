/// What a meter at the connector shows while a vehicle charges, rounded as meters report it (0.1 V, 0.01 A,
/// 1 W, 1 Wh, 0.1 %). The current is derived from the power, so voltage × current × phases stays within
/// rounding of the power, as a central system checking the values expects.
public struct ElectricalReading: Sendable, Equatable {
    /// Per phase, line to neutral (AC), or the pack's (DC).
    public let voltageV: Double
    /// Per phase (AC), or into the pack (DC).
    public let currentA: Double
    /// 1 or 3 on AC; nil on DC, which has no phases.
    public let phases: Int?
    public let powerW: Double
    public let sessionEnergyWh: Double
    public let socPercent: Double
}

extension ElectricVehicle {
    /// The nominal voltage of one phase of the grid.
    public static let phaseVoltageV = 230.0

    /// A simple pack model: 350 V empty to 400 V full, linear in the charge, the range of the common 400 V
    /// class, so a DC reading moves as a real one does during a session.
    public var packVoltageV: Double { 350 + socPercent / 2 }

    /// The reading with the vehicle drawing what it would under `offeredLimitW`.
    public func reading(offeredLimitW: Double?) -> ElectricalReading {
        let powerW = power(offeredLimitW: offeredLimitW)
        let voltage: Double
        let phases: Int?
        switch supply {
        case .ac(let acPhases):
            voltage = Self.phaseVoltageV
            phases = acPhases.rawValue
        case .dc:
            voltage = packVoltageV
            phases = nil
        }
        return ElectricalReading(
            voltageV: voltage.rounded(places: 1), currentA: (powerW / (voltage * Double(phases ?? 1))).rounded(places: 2),
            phases: phases, powerW: powerW.rounded(), sessionEnergyWh: sessionEnergyWh.rounded(),
            socPercent: socPercent.rounded(places: 1))
    }
}

extension Double {
    /// Rounded to `places` decimals; dividing by the power of ten (rather than multiplying by 0.1…) gives
    /// the double nearest the decimal, which prints as that decimal.
    func rounded(places: Int) -> Double {
        let scale = (0..<places).reduce(1.0) { value, _ in value * 10 }
        return (self * scale).rounded() / scale
    }
}
