import OCPP201

extension StationEngine {
    /// [D01]: the list is replaced or edited as a whole, persisted before the answer. While
    /// LocalAuthListCtrlr.Enabled is false the station keeps no list to change, so the answer is Failed
    /// (libocpp answers the same).
    mutating func sendLocalList(_ request: SendLocalListRequest) -> SendLocalListResponse {
        guard deviceModel.boolean(StandardVariables.localAuthListEnabled) else {
            return SendLocalListResponse(status: .failed, statusInfo: StatusInfo(reasonCode: "NotEnabled"))
        }
        let status = localList.apply(request, capacity: settings.localListCapacity)
        if status == .accepted { persist(.localList(localList)) }
        return SendLocalListResponse(status: status)
    }

    /// [D02]: 0 when no list was ever installed or the list is disabled [D02.FR.02/03].
    mutating func getLocalListVersion(_ request: GetLocalListVersionRequest) -> GetLocalListVersionResponse {
        GetLocalListVersionResponse(
            versionNumber: deviceModel.boolean(StandardVariables.localAuthListEnabled) ? localList.version : 0)
    }
}
