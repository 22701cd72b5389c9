import OCPP201

extension StationEngine {
    /// [C11]: empties the authorization cache; Rejected while AuthCacheCtrlr.Enabled is false [C11.FR.04].
    mutating func clearCache(_ request: ClearCacheRequest) -> ClearCacheResponse {
        guard deviceModel.boolean(StandardVariables.authCacheEnabled) else { return ClearCacheResponse(status: .rejected) }
        authorizationCache.clear()
        persist(.cacheCleared)
        return ClearCacheResponse(status: .accepted)
    }
}
