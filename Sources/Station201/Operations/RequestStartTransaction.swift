import OCPP201

extension StationEngine {
    /// [F01]/[F02]: Rejected without an EVSE to start on (the station does not pick one, as libocpp),
    /// on an EVSE that takes no new session or that a reservation holds for another token or group, or for a
    /// token the station's own check refuses; otherwise
    /// Accepted, with the id of a transaction already running unauthorized there [F01.FR.13]. With
    /// AuthorizeRemoteStart the token is checked as a local one would be first; without, the CSMS checks it in
    /// the TransactionEvent [F01.FR.01–03]. A chargingProfile must be a TxProfile without transactionId that the
    /// install rules accept, else the start is Rejected with their reason; it becomes the TxProfile of the
    /// transaction the start begins [F01.FR.08–11, K05].
    mutating func requestStartTransaction(_ request: RequestStartTransactionRequest) -> RequestStartTransactionResponse {
        guard let evseId = request.evseId, let index = evseIndex(evseId) else {
            return RequestStartTransactionResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: request.evseId == nil ? "MissingEvseId" : "UnknownEvse"))
        }
        if let refusal = sessionRefusal(index) {
            let reason: CiString<20> = if case .evseUnavailable = refusal { "Unavailable" } else { "Occupied" }
            return RequestStartTransactionResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: reason))
        }
        if let profile = request.chargingProfile, let refusal = startProfileRefusal(profile, evseId: evseId) {
            return RequestStartTransactionResponse(status: .rejected, statusInfo: refusal.statusInfo)
        }
        let running = evses[index].transaction.flatMap { CiString<36>($0.id) }
        var pending = PendingAuthorization(
            idToken: request.idToken, origin: .remote(remoteStartId: request.remoteStartId), authorized: false,
            groupIdToken: request.groupIdToken)
        // The request's groupIdToken, else what the local list or the cache knows, decides at once: the answer
        // cannot wait for an Authorize [F01.FR.21/22].
        let group = request.groupIdToken ?? localAuthorization(request.idToken)?.0.groupIdToken
        switch reservationVerdict(index, request.idToken, group: group, groupKnown: true) {
        case .free: break
        case .claims(let reservationId): pending.reservationId = reservationId
        case .refused, .needsGroup:
            return RequestStartTransactionResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidIdToken"))
        }
        if let profile = request.chargingProfile {
            startProfiles[evseId] = StartProfile(
                remoteStartId: request.remoteStartId, runningTransactionId: running?.value, profile: profile)
        }
        guard deviceModel.boolean(StandardVariables.authorizeRemoteStart) else {
            authorizationGranted(index, pending)
            return RequestStartTransactionResponse(status: .accepted, transactionId: running)
        }
        switch startDecision(for: request.idToken) {
        case .granted:
            authorizationGranted(index, pending)
        case .askCentralSystem:
            evses[index].pending = pending
            outbox.enqueue(AuthorizeRequest(idToken: request.idToken), purpose: .authorizeStart(evseIndex: index, pending))
        case .refused, .unknownOffline:
            startProfiles[evseId] = nil
            return RequestStartTransactionResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidIdToken"))
        }
        return RequestStartTransactionResponse(status: .accepted, transactionId: running)
    }
}
