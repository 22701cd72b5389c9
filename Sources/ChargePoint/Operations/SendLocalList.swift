import OCPP16

extension ChargePointEngine {
    /// Full replaces the list, Differential patches it and needs a newer version ([CORE] §5.15).
    mutating func sendLocalList(_ request: SendLocalListRequest) -> SendLocalListResponse {
        let status = localList.apply(
            request, capacity: configuration.integer(.localAuthListMaxLength),
            batchLimit: configuration.integer(.sendLocalListMaxLength))
        if status == .accepted {
            persist(.saveLocalList(localList))
            // Tags of the list are never cached: the list decides for them.
            for entry in request.localAuthorizationList ?? [] where authorizationCache.forget(entry.idTag) {
                persist(.deleteCacheEntry(entry.idTag))
            }
            logger.info("local list version \(localList.version), \(localList.count) entries")
        }
        return SendLocalListResponse(status: status)
    }

    func getLocalListVersion(_ request: GetLocalListVersionRequest) -> GetLocalListVersionResponse {
        GetLocalListVersionResponse(listVersion: localList.version)
    }

    /// The cache exists (it may be switched off), so clearing it always succeeds ([ERR] 3.23).
    mutating func clearCache(_ request: ClearCacheRequest) -> ClearCacheResponse {
        authorizationCache.clear()
        persist(.clearCache)
        return ClearCacheResponse(status: .accepted)
    }
}
