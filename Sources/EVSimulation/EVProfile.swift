/// The vehicles a station's drivers bring, as ranges each vehicle is drawn from: what a fleet file holds.
/// Every field has a default, so `{}` is a whole profile.
public struct EVProfile: Sendable, Equatable, Codable {
    public var capacityKWh: ClosedRange<Double> = 40...80
    public var arrivalSoCPercent: ClosedRange<Double> = 10...50
    public var targetSoCPercent: Double = 90
    /// The on-board charger's rating.
    public var maxACPowerKW: Double = 11
    public var phases: Phases = .three
    /// Set for a DC station's vehicles: they charge on DC at up to this power, and the AC fields go unused.
    public var dcMaxPowerKW: Double?
    public var kneeSoCPercent: Double = 80
    /// The share of the maximum power still taken at 100 %.
    public var taperFloorPercent: Double = 10
    /// How long after a remote start the driver plugs in: the start has to wait for the cable, as it does
    /// at a real station (the runtime that carries out the start uses it).
    public var plugInDelaySeconds: Double = 5
    /// How long a driver stays, drawn for each vehicle; nil: until the vehicle is full.
    public var stayMinutes: ClosedRange<Double>?

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        capacityKWh = try container.decode(.capacityKWh, or: capacityKWh)
        arrivalSoCPercent = try container.decode(.arrivalSoCPercent, or: arrivalSoCPercent)
        targetSoCPercent = try container.decode(.targetSoCPercent, or: targetSoCPercent)
        maxACPowerKW = try container.decode(.maxACPowerKW, or: maxACPowerKW)
        phases = try container.decode(.phases, or: phases)
        dcMaxPowerKW = try container.decode(.dcMaxPowerKW, or: dcMaxPowerKW)
        kneeSoCPercent = try container.decode(.kneeSoCPercent, or: kneeSoCPercent)
        taperFloorPercent = try container.decode(.taperFloorPercent, or: taperFloorPercent)
        plugInDelaySeconds = try container.decode(.plugInDelaySeconds, or: plugInDelaySeconds)
        stayMinutes = try container.decode(.stayMinutes, or: stayMinutes)
        try decoder.validate(validate)
    }

    /// Checks what `makeVehicle` relies on; decoding does it, and so does a `SessionGenerator` given the profile.
    public func validate() throws(EVSettingsError) {
        try EVSettingsError.requirePositive(capacityKWh, "capacityKWh")
        try EVSettingsError.requirePercent(arrivalSoCPercent, "arrivalSoCPercent")
        try EVSettingsError.requirePercent(targetSoCPercent, "targetSoCPercent")
        try EVSettingsError.requirePositive(maxACPowerKW, "maxACPowerKW")
        if let dcMaxPowerKW { try EVSettingsError.requirePositive(dcMaxPowerKW, "dcMaxPowerKW") }
        try EVSettingsError.require(
            (0..<100).contains(kneeSoCPercent), "kneeSoCPercent", "a value in 0…100, 100 excluded")
        try EVSettingsError.require(
            taperFloorPercent > 0 && taperFloorPercent < 100, "taperFloorPercent",
            "a value between 0 and 100, both excluded")
        try EVSettingsError.require(
            plugInDelaySeconds >= 0 && plugInDelaySeconds.isFinite, "plugInDelaySeconds", "a finite value of 0 or more")
        if let stayMinutes { try EVSettingsError.requirePositive(stayMinutes, "stayMinutes") }
    }

    /// A vehicle arriving at `uptime`: capacity and charge drawn from the ranges, then how long its driver
    /// stays when the profile says. The profile must be valid (`validate`).
    public func makeVehicle(
        using random: inout some RandomNumberGenerator, arrivingAt uptime: Duration
    ) -> ElectricVehicle {
        var vehicle = makeVehicle(using: &random)
        if let stayMinutes {
            vehicle.departure = uptime + .milliseconds(ofSeconds: random.uniform(in: stayMinutes) * 60)
        }
        return vehicle
    }

    /// A vehicle drawn from the profile, staying until it is full.
    func makeVehicle(using random: inout some RandomNumberGenerator) -> ElectricVehicle {
        let supply: Supply = dcMaxPowerKW == nil ? .ac(phases) : .dc
        return ElectricVehicle(
            capacityWh: random.uniform(in: capacityKWh) * 1000, socPercent: random.uniform(in: arrivalSoCPercent),
            targetSoCPercent: targetSoCPercent, supply: supply, maxPowerW: (dcMaxPowerKW ?? maxACPowerKW) * 1000,
            curve: ChargingCurve(kneePercent: kneeSoCPercent, floorFraction: taperFloorPercent / 100))
    }
}
