/// SmartChargingCtrlr ([P2] Referenced Components and Variables, K; reference §5.4): what SetChargingProfile
/// accepts and how external limits are reported.
extension StandardVariables {
    static let smartChargingCtrlr = ComponentAddress("SmartChargingCtrlr")

    public static let smartChargingAvailable = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "Available"), .boolean, .readOnly, source: .stored(default: "true"))
    /// False refuses new profiles and lifts every limit, keeping the installed profiles.
    public static let smartChargingEnabled = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    /// The highest stackLevel accepted; a higher one is refused with InvalidStackLevel.
    public static let profileStackLevel = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "ProfileStackLevel"), .integer(minimum: 0), .readOnly,
        source: .stored(default: "10"))
    /// The most periods one schedule may have.
    public static let periodsPerSchedule = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "PeriodsPerSchedule"), .integer(minimum: 1), .readOnly,
        source: .stored(default: "24"))
    /// The units a schedule may use [K01.FR.26]. ReadWrite, unlike [P2A]'s ReadOnly, for the reason the display
    /// lists are: narrowing it plays a station that lacks a unit, as the UnsupportedRateUnit test cases need.
    public static let rateUnit = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "RateUnit"), .memberList(["A", "W"]), .readWrite,
        source: .stored(default: "A,W"))
    /// The change of an external limit, in percent, worth a NotifyChargingLimit [K12.FR.02].
    public static let limitChangeSignificance = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "LimitChangeSignificance"), .decimal(minimum: 0, maximum: 100),
        .readWrite, unit: "Percent", source: .stored(default: "10"))
    /// Whether an energy management system may limit the station (the API's external limit) [K11].
    public static let externalControlSignalsEnabled = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "ExternalControlSignalsEnabled"), .boolean, .readWrite,
        source: .stored(default: "true"))
    /// Whether NotifyChargingLimit carries the external limit as a schedule [K12.FR.04].
    public static let notifyChargingLimitWithSchedules = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "NotifyChargingLimitWithSchedules"), .boolean, .readWrite,
        source: .stored(default: "true"))
    /// The simulated EVSEs cannot switch phases, so a period's phaseToUse is refused [K01.FR.48].
    public static let acPhaseSwitchingSupported = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "ACPhaseSwitchingSupported"), .boolean, .readOnly,
        source: .stored(default: "false"))

    /// How many profiles are installed; its maxLimit is how many can be.
    static let chargingProfileEntries = VariableDescriptor(
        VariableAddress(smartChargingCtrlr, "Entries", instance: "ChargingProfiles"),
        .integer(minimum: 0, maximum: ChargingProfileStore.capacity), .readOnly, source: .live(.chargingProfileEntries))

    static let smartChargingVariables: [VariableDescriptor] = [
        smartChargingAvailable, smartChargingEnabled, chargingProfileEntries, profileStackLevel, periodsPerSchedule,
        rateUnit, limitChangeSignificance, externalControlSignalsEnabled, notifyChargingLimitWithSchedules,
        acPhaseSwitchingSupported,
    ]
}
