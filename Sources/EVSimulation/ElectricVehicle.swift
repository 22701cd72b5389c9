#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The phases an AC vehicle's on-board charger uses.
public enum Phases: Int, Sendable, Codable {
    case one = 1
    case three = 3
}

/// How a vehicle takes its energy: alternating current through its on-board charger, or direct current
/// into the pack. A simulated station is one or the other, so a vehicle is made for one.
public enum Supply: Sendable, Equatable {
    case ac(Phases)
    case dc
}

/// A simulated electric vehicle plugged into a connector: a battery that takes power along its charging
/// curve up to a target state of charge, and a driver who leaves at a given time or once it is full.
///
/// A value that reads no clock: the station hands it the power offered and the time that passed, so a
/// session can be replayed and tested with plain `Duration`s.
public struct ElectricVehicle: Sendable, Equatable {
    public let capacityWh: Double
    public let supply: Supply
    /// The most the vehicle draws, whatever is offered: its on-board charger's rating (AC) or the pack's (DC).
    public let maxPowerW: Double
    public let curve: ChargingCurve
    /// The state of charge (%) at which it stops drawing. (Settable here: a session with an energy goal
    /// lowers it.)
    public internal(set) var targetSoCPercent: Double
    /// When the driver comes back (uptime); nil when the vehicle leaves as soon as it is full. (Settable
    /// here: a session's plan sets it.)
    public internal(set) var departure: Duration?
    public private(set) var socPercent: Double
    /// The energy taken since it was plugged in.
    public private(set) var sessionEnergyWh: Double = 0

    /// The values are the caller's to get right (a profile draws them from validated settings): a positive
    /// capacity and power, and charges within 0…100 %.
    public init(
        capacityWh: Double, socPercent: Double, targetSoCPercent: Double, supply: Supply, maxPowerW: Double,
        curve: ChargingCurve = ChargingCurve(), departure: Duration? = nil
    ) {
        precondition(capacityWh > 0 && maxPowerW > 0, "a positive capacity and power")
        precondition((0...100).contains(socPercent) && (0...100).contains(targetSoCPercent), "charges in 0…100 %")
        self.capacityWh = capacityWh
        self.socPercent = socPercent
        self.targetSoCPercent = targetSoCPercent
        self.supply = supply
        self.maxPowerW = maxPowerW
        self.curve = curve
        self.departure = departure
    }

    public var isFull: Bool { socPercent >= targetSoCPercent }

    /// Whether the driver takes the car away at `uptime`: at the departure time when there is one (a car
    /// that is full before then stays plugged in, drawing nothing), else once it is full.
    public func wantsToLeave(at uptime: Duration) -> Bool {
        departure.map { uptime >= $0 } ?? isFull
    }

    /// The power it draws now: what its curve allows at the present charge, no more than the limit in force
    /// (nil: none); nothing once it is full.
    public func power(offeredLimitW: Double?) -> Double {
        guard !isFull else { return 0 }
        let curvePower = maxPowerW * curve.fraction(atSoC: socPercent)
        return max(0, min(curvePower, offeredLimitW ?? curvePower))
    }

    /// Charges for `interval` with up to `powerW` offered, and returns the energy taken (Wh).
    ///
    /// Exact for any interval, so that one call over an hour gives what 3 600 calls over a second give: the
    /// battery takes all that is offered until its curve falls below it (the charge rises linearly), then
    /// what the curve allows, which falls linearly with the charge, so that the allowed share decays
    /// exponentially in time. It stops at the target, never above 100 %.
    @discardableResult
    public mutating func charge(at powerW: Double, for interval: Duration) -> Double {
        let offered = min(powerW, maxPowerW)
        var seconds = interval.totalSeconds
        guard offered > 0, seconds > 0, !isFull else { return 0 }
        let before = socPercent
        let flatEnd = min(targetSoCPercent, curve.soc(atFraction: offered / maxPowerW))
        let secondsPerPercent = 36 * capacityWh / offered
        if socPercent < flatEnd, seconds <= (flatEnd - socPercent) * secondsPerPercent {
            socPercent += seconds / secondsPerPercent
        } else {
            if socPercent < flatEnd {
                seconds -= (flatEnd - socPercent) * secondsPerPercent
                socPercent = flatEnd
            }
            if socPercent < targetSoCPercent {
                let decayPerSecond = curve.slope * maxPowerW / (36 * capacityWh)
                let share = curve.fraction(atSoC: socPercent) * exp(-decayPerSecond * seconds)
                socPercent = min(targetSoCPercent, curve.soc(atFraction: share))
            }
        }
        let energy = (socPercent - before) * capacityWh / 100
        sessionEnergyWh += energy
        return energy
    }
}

extension Duration {
    /// The duration in seconds, fractions included (named apart from EngineSupport's `seconds`, so that a
    /// module importing both sees no ambiguity).
    var totalSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// `seconds` to the millisecond: the times the simulation hands out are whole milliseconds, readable in
    /// logs and identical wherever they are computed.
    static func milliseconds(ofSeconds seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
