/// The energy meter of a connector: a simulator that integrates power over time, or a register fed by a
/// real meter through the API.
///
/// The simulator stands for hardware whose register survives a power cut, but it integrates in memory. So
/// it never runs past `ceilingWh`, a value stored ahead of it (`headroom`): after a kill it resumes at the
/// stored ceiling, never below a value it showed. Should the ceiling not be raised in time, the register
/// pauses rather than show what could be lost.
public struct Meter: Sendable, Equatable {
    public var energyWh: Double
    /// What the EV draws while energy is offered: the simulated power, or the last value a real meter reported.
    public var demandW: Double
    public var external: Bool
    public var ceilingWh: Double

    public init(energyWh: Double, demandW: Double, external: Bool, ceilingWh: Double) {
        self.energyWh = energyWh
        self.demandW = demandW
        self.external = external
        self.ceilingWh = ceilingWh
    }

    /// How far ahead of the register the stored ceiling is set, in time at the present power.
    public static let headroom: Duration = .seconds(5)
    /// A new ceiling is stored when the register comes this close to the old one.
    public static let headroomLead: Duration = .seconds(2)

    /// Integrates the power delivered since the previous event; called before every state change so that
    /// the power in force over the interval is the one that applied.
    public mutating func integrate(powerW: Double, over interval: Duration) {
        guard !external, powerW > 0 else { return }
        energyWh = min(energyWh + powerW * interval.seconds / 3600, max(ceilingWh, energyWh))
    }

    /// When the ceiling must be raised at `powerW`, as time from now (zero: now).
    public func ceilingDue(powerW: Double) -> Duration? {
        guard !external, powerW > 0 else { return nil }
        let left = (ceilingWh - energyWh) / powerW * 3600 - Self.headroomLead.seconds
        return .milliseconds(max(0, Int64(left * 1000)))
    }

    /// Raises the ceiling to `headroom` ahead at `powerW`; the caller stores it before anything shows more.
    public mutating func raiseCeiling(powerW: Double) {
        ceilingWh = max(ceilingWh, energyWh + powerW * Self.headroom.seconds / 3600)
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
