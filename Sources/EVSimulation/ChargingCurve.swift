/// How much of its maximum power a battery takes at a state of charge: all of it up to the knee, then a
/// straight line down to `floorFraction` of it at 100 %, as a battery management system lowers the current
/// near full. A line rather than a table per car model: it has the shape that matters to a charging
/// station (the draw falls late in a session, whatever was offered) and a closed form over time.
public struct ChargingCurve: Sendable, Equatable {
    /// The state of charge (%) where the taper begins, below 100.
    public let kneePercent: Double
    /// The share of the maximum power still taken at 100 %, in (0, 1): above zero, so a full battery is
    /// reached in finite time; below one, so there is a taper at all.
    public let floorFraction: Double

    public init(kneePercent: Double = 80, floorFraction: Double = 0.1) {
        precondition((0..<100).contains(kneePercent), "a knee below 100 %")
        precondition(floorFraction > 0 && floorFraction < 1, "a floor between 0 and 1")
        self.kneePercent = kneePercent
        self.floorFraction = floorFraction
    }

    /// How fast the share falls above the knee, per percent of charge.
    var slope: Double { (1 - floorFraction) / (100 - kneePercent) }

    /// The share of the maximum power taken at `socPercent`.
    public func fraction(atSoC socPercent: Double) -> Double {
        socPercent <= kneePercent ? 1 : max(floorFraction, 1 - slope * (socPercent - kneePercent))
    }

    /// The state of charge at which the curve has fallen to `fraction`: the knee for 1 or more, above 100
    /// for a share below the floor (the curve never gets that low).
    func soc(atFraction fraction: Double) -> Double {
        fraction >= 1 ? kneePercent : kneePercent + (1 - fraction) / slope
    }
}
