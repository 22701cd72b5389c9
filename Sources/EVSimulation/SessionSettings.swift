/// How a generated session ends.
public enum SessionEnd: String, Sendable, Codable {
    /// The driver comes back after a time drawn from `durationMinutes`, whether the car is full or not.
    case duration
    /// The driver leaves once the car has taken an energy drawn from `energyKWh`, or reached its own target
    /// first: the goal lowers the vehicle's target.
    case energy
}

/// What the transaction generator of a station does: what a fleet file holds. Every field has a default,
/// so `{}` gives a driver every ten minutes on average on each connector, staying 30 to 90 minutes.
public struct SessionSettings: Sendable, Equatable, Codable {
    /// Whether the generator starts running as soon as it is made.
    public var enabled = true
    /// The mean time between a connector coming free and the next driver arriving there.
    public var meanIntervalSeconds = 600.0
    public var endsBy: SessionEnd = .duration
    public var durationMinutes: ClosedRange<Double> = 30...90
    public var energyKWh: ClosedRange<Double> = 5...30
    /// The cards drivers present.
    public var idTags: [String] = (1...10).map(Self.defaultIDTag)
    /// How often each card is drawn relative to the others; a card left out weighs 1.
    public var idTagWeights: [String: Double] = [:]

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        enabled = try container.decode(.enabled, or: enabled)
        meanIntervalSeconds = try container.decode(.meanIntervalSeconds, or: meanIntervalSeconds)
        endsBy = try container.decode(.endsBy, or: endsBy)
        durationMinutes = try container.decode(.durationMinutes, or: durationMinutes)
        energyKWh = try container.decode(.energyKWh, or: energyKWh)
        idTags = try container.decode(.idTags, or: idTags)
        idTagWeights = try container.decode(.idTagWeights, or: idTagWeights)
        try decoder.validate(validate)
    }

    /// Checks what the generator relies on; decoding does it, and so does the generator.
    public func validate() throws(EVSettingsError) {
        try EVSettingsError.requirePositive(meanIntervalSeconds, "meanIntervalSeconds")
        try EVSettingsError.requirePositive(durationMinutes, "durationMinutes")
        try EVSettingsError.requirePositive(energyKWh, "energyKWh")
        // 20 characters: 1.6's idTag (CiString20Type); 2.0.1's idToken holds 36.
        try EVSettingsError.require(
            !idTags.isEmpty && idTags.allSatisfy { (1...20).contains($0.count) }, "idTags",
            "at least one card, each of 1 to 20 characters")
        try EVSettingsError.require(Set(idTags).count == idTags.count, "idTags", "each card once")
        try EVSettingsError.require(
            idTagWeights.keys.allSatisfy(idTags.contains), "idTagWeights", "weights of cards listed in idTags")
        try EVSettingsError.require(
            idTagWeights.values.allSatisfy { $0 >= 0 && $0.isFinite } && weights.reduce(0, +) > 0, "idTagWeights",
            "finite weights of 0 or more, not all 0")
    }

    /// The weight of each of `idTags`, in their order.
    var weights: [Double] { idTags.map { idTagWeights[$0] ?? 1 } }

    /// EV-0001, EV-0002, …
    private static func defaultIDTag(_ number: Int) -> String {
        let digits = String(number)
        return "EV-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
