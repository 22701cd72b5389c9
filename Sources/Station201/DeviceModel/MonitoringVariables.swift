import OCPP201

/// MonitoringCtrlr ([P2] Referenced Components and Variables, N): whether monitors raise events, which of
/// them, and how much one request may carry.
extension StandardVariables {
    static let monitoringCtrlr = ComponentAddress("MonitoringCtrlr")

    static let monitoringAvailable = VariableDescriptor(
        VariableAddress(monitoringCtrlr, "Available"), .boolean, .readOnly, source: .stored(default: "true"))
    /// False: no monitor raises an event; the monitors stay.
    public static let monitoringEnabled = VariableDescriptor(
        VariableAddress(monitoringCtrlr, "Enabled"), .boolean, .readWrite, source: .stored(default: "true"))
    /// What SetMonitoringBase last set.
    static let activeMonitoringBase = VariableDescriptor(
        VariableAddress(monitoringCtrlr, "ActiveMonitoringBase"), .optionList(MonitoringBase.allCases.map(\.rawValue)),
        .readOnly, source: .live(.monitoringBase))
    /// Monitors with a higher severity raise no event [N05]; SetMonitoringLevel sets it.
    public static let activeMonitoringLevel = VariableDescriptor(
        VariableAddress(monitoringCtrlr, "ActiveMonitoringLevel"), .integer(minimum: 0, maximum: 9), .readWrite,
        source: .stored(default: "9"))
    /// Offline, only events of monitors up to this severity are kept for the CSMS [N07.FR.04]. 9 keeps all: a
    /// station that drops what it saw is worse than a long queue, which is bounded anyway.
    public static let offlineQueuingSeverity = VariableDescriptor(
        VariableAddress(monitoringCtrlr, "OfflineQueuingSeverity"), .integer(minimum: 0, maximum: 9), .readWrite,
        source: .stored(default: "9"))
    public static let itemsPerMessageSetVariableMonitoring = itemsPerMessage("SetVariableMonitoring", of: monitoringCtrlr)
    public static let bytesPerMessageSetVariableMonitoring = bytesPerMessage("SetVariableMonitoring", of: monitoringCtrlr)
    public static let itemsPerMessageClearVariableMonitoring = itemsPerMessage("ClearVariableMonitoring", of: monitoringCtrlr)
    public static let bytesPerMessageClearVariableMonitoring = bytesPerMessage("ClearVariableMonitoring", of: monitoringCtrlr)

    static let monitoringVariables: [VariableDescriptor] = [
        monitoringAvailable, monitoringEnabled, activeMonitoringBase, activeMonitoringLevel, offlineQueuingSeverity,
        itemsPerMessageSetVariableMonitoring, bytesPerMessageSetVariableMonitoring,
        itemsPerMessageClearVariableMonitoring, bytesPerMessageClearVariableMonitoring,
    ]
}
