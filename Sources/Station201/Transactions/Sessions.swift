import EngineSupport
import OCPP201

/// How a token presented at an EVSE is decided ([C01], [C10]–[C15]).
enum StartDecision: Equatable {
    case granted
    case askCentralSystem
    case refused(AuthorizationStatus)
    /// Offline, and neither the local list nor the cache may decide.
    case unknownOffline
}

/// What drivers do at an EVSE through the API: present a token, stop, and what the CSMS answers about the
/// token.
extension StationEngine {
    /// Without authorization (AuthCtrlr.Enabled false) every token starts. Online, a token the local list or
    /// the cache holds as Accepted starts at once when LocalPreAuthorize is true, anything else is asked of
    /// the CSMS [C10.FR.03, C14.FR.02/03]; offline, what they know decides when LocalAuthorizeOffline is true
    /// [C13], and an unknown token starts when OfflineTxForUnknownIdEnabled is true [C15].
    func startDecision(for token: IdToken) -> StartDecision {
        guard deviceModel.boolean(StandardVariables.authEnabled) else { return .granted }
        let online = link == .connected
        if let (info, _) = localAuthorization(token) {
            if online {
                return info.status == .accepted && deviceModel.boolean(StandardVariables.localPreAuthorize)
                    ? .granted : .askCentralSystem
            }
            guard deviceModel.boolean(StandardVariables.localAuthorizeOffline) else { return .unknownOffline }
            return info.status == .accepted ? .granted : .refused(info.status)
        }
        if online { return .askCentralSystem }
        return deviceModel.boolean(StandardVariables.offlineTxForUnknownIdEnabled) ? .granted : .unknownOffline
    }

    /// Why an EVSE takes no new session now, if it does not.
    func sessionRefusal(_ index: Int) -> CommandFailure? {
        let evseId = evses[index].id
        let status = connectorStatus(index)
        guard availability.admitsNewSession(evseId: evseId), evses[index].fault == nil else {
            return .evseUnavailable(evseId: evseId, status)
        }
        if evses[index].pending != nil || evses[index].transaction?.authorized == true {
            return .evseBusy(evseId: evseId, status)
        }
        return nil
    }

    /// `POST …/start`: the token is presented with the EV plugged in (as under 1.6), or, with `plugIn` false,
    /// before the cable (authorization first [E03]). The answer comes with the transaction event that carries
    /// the token (`awaitTransactionAnswer`), with the CSMS's refusal, or, when the start points wait for the
    /// cable, at once with the connector. At an EVSE a reservation holds, only its token or group starts
    /// [H03]; the reservation the token claims is used up when it is authorized.
    mutating func start(_ index: Int, _ token: IdToken, plugIn: Bool, reply: ReplyID) -> CommandResult? {
        if let refusal = sessionRefusal(index) { return .failed(refusal) }
        if link == .connected, !registration.isAccepted { return .failed(.notRegistered(registration.status)) }
        var decision = startDecision(for: token)
        switch decision {
        case .refused(let status): return .failed(.tokenRefused(status))
        case .unknownOffline: return .failed(.unknownTokenOffline)
        case .granted, .askCentralSystem: break
        }
        var pending = PendingAuthorization(idToken: token, origin: .api(reply), authorized: false)
        // The token's group, when a reservation needs it, from the local list or the cache, else from the
        // CSMS [H03.FR.07/08].
        let known = localAuthorization(token)
        switch reservationVerdict(index, token, group: known?.0.groupIdToken, groupKnown: known != nil) {
        case .free: break
        case .claims(let reservationId): pending.reservationId = reservationId
        case .refused: return .failed(.evseReserved(evseId: evses[index].id))
        case .needsGroup:
            guard link == .connected else { return .failed(.evseReserved(evseId: evses[index].id)) }
            decision = .askCentralSystem
        }
        if plugIn { self.plugIn(index) }
        if decision == .granted {
            authorizationGranted(index, pending)
        } else {
            evses[index].pending = pending
            outbox.enqueue(AuthorizeRequest(idToken: token), purpose: .authorizeStart(evseIndex: index, pending))
        }
        return nil
    }

    /// The CSMS's Authorize answer for a token presented at an EVSE. An accepted token is checked against the
    /// reservations again, now with the group the CSMS gave it [H03.FR.08].
    mutating func startAuthorizationArrived(_ info: IdTokenInfo, _ index: Int, _ pending: PendingAuthorization) {
        remember(info, for: pending.idToken)
        guard evses[index].pending == pending else { return }
        guard info.status == .accepted else {
            refuseStart(index, pending, .tokenRefused(info.status))
            return
        }
        var granted = pending
        let group = info.groupIdToken ?? pending.groupIdToken
        switch reservationVerdict(index, pending.idToken, group: group, groupKnown: true) {
        case .free: granted.reservationId = nil
        case .claims(let reservationId): granted.reservationId = reservationId
        case .refused, .needsGroup:
            refuseStart(index, pending, .evseReserved(evseId: evses[index].id))
            return
        }
        authorizationGranted(index, granted)
    }

    private mutating func refuseStart(_ index: Int, _ pending: PendingAuthorization, _ failure: CommandFailure) {
        evses[index].pending = nil
        if case .api(let reply) = pending.origin { emit(.reply(reply, .failed(failure))) }
    }

    mutating func startAuthorizationFailed(_ failure: CallFailure, _ index: Int, _ pending: PendingAuthorization) {
        guard evses[index].pending == pending else { return }
        evses[index].pending = nil
        if case .api(let reply) = pending.origin { emit(.reply(reply, .failed(failure.commandFailure))) }
    }

    /// `POST …/stop`: the driver ends the authorization (with the token that gave it [E07.FR.02]); a
    /// transaction that was never authorized ends outright.
    mutating func stop(_ index: Int, reason: Reason) -> CommandResult {
        guard let transaction = evses[index].transaction else { return .failed(.noTransaction(evseId: evses[index].id)) }
        let cause = TransactionCause(trigger: .stopAuthorized, stoppedReason: reason)
        if transaction.authorized {
            endAuthorization(index, cause, idToken: transaction.idToken)
        } else {
            end(index, cause)
        }
        return transactionSnapshot(transaction.id).map(CommandResult.transaction) ?? .failed(.unknownTransaction(transaction.id))
    }

    /// `POST …/fault`: the connector turns Faulted [G01], and a transaction on it ends with AbnormalCondition
    /// [E06.FR.16], stoppedReason the nearest fault reason; nil clears the fault.
    mutating func setFault(_ index: Int, _ fault: String?) {
        guard evses[index].fault != fault else { return }
        let previous = evses[index].fault
        evses[index].fault = fault
        persist(.evse(evses[index].record))
        notifyProblem(index, fault ?? previous ?? "", cleared: fault == nil)
        guard let fault else { return }
        logger.warning("EVSE \(evses[index].id) faulted: \(fault)")
        // A start still waiting for the CSMS's Authorize is refused now; an authorized one was answered.
        if let pending = evses[index].pending, !pending.authorized, case .api(let reply) = pending.origin {
            emit(.reply(reply, .failed(.evseUnavailable(evseId: evses[index].id, .faulted))))
        }
        evses[index].pending = nil
        let reason: Reason = switch fault {
        case "GroundFailure": .groundFault
        case "OverCurrentFailure": .overcurrentFault
        case "PowerMeterFailure", "PowerSwitchFailure", "HighTemperature", "OverVoltage", "UnderVoltage": .powerQuality
        default: .other
        }
        if evses[index].transaction != nil { end(index, TransactionCause(trigger: .abnormalCondition, stoppedReason: reason)) }
    }

    /// `PUT …/meter`: a real meter's register (never below what it showed) and the power the EV draws.
    mutating func setMeter(_ index: Int, energyWh: Double?, powerW: Double?) -> CommandResult {
        if let energyWh {
            guard energyWh >= evses[index].meter.energyWh else {
                return .failed(.meterWouldDecrease(currentWh: evses[index].meter.energyWh, requestedWh: energyWh))
            }
            evses[index].meter.external = true
            evses[index].meter.energyWh = energyWh
            evses[index].meter.ceilingWh = energyWh
        }
        if let powerW { evses[index].meter.demandW = powerW }
        persist(.evse(evses[index].record))
        return .connector(connectorSnapshot(index))
    }
}
