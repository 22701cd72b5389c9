import OCPP201

/// Our CALLs: what goes next, and what their answers do.
extension StationEngine {
    var messageTimeout: Duration { .seconds(messageTimeoutSeconds) }

    /// The network profile's MessageTimeout; 30 s for the command line's.
    var messageTimeoutSeconds: Int { networkProfiles.activeMessageTimeout ?? 30 }

    /// Sends the next CALL if the link is free. Before Accepted only the BootNotification and what the
    /// CSMS's own requests caused may go [B01.FR.08, B02.FR.02]; while Rejected nothing [B03.FR.02].
    mutating func pump() {
        guard outbox.isIdle, registration.maySend(at: now.uptime) else { return }
        if registration.bootIsDue(at: now.uptime) {
            sendCall(BootNotificationRequest(chargingStation: bootDescription, reason: registration.reason),
                     purpose: .boot)
            return
        }
        let accepted = registration.isAccepted
        // Transaction events wait for Accepted, and go in their turn among the other calls.
        let event = accepted ? transactionEvents.ready(at: now.uptime) : nil
        let before = event?.after ?? .max
        if let call = outbox.next(where: { (accepted || $0.allowedWhilePending) && $0.ticket <= before }) {
            emit(.send(outbox.send(call, at: now.uptime, timeout: messageTimeout)))
            callSent(call.action)
        } else if let event {
            sendCall(event.event.request, purpose: .transactionEvent(sequence: event.event.sequence))
        } else if registration.heartbeatIsDue(at: now.uptime) {
            sendCall(HeartbeatRequest(), purpose: .heartbeat)
        }
    }

    private mutating func sendCall(_ request: some OCPPRequest, purpose: CallPurpose) {
        emit(.send(outbox.send(request, purpose: purpose, at: now.uptime, timeout: messageTimeout)))
        callSent(type(of: request).action)
    }

    private mutating func callSent(_ action: Action) {
        publish(.rpc(.callSent(action)))
        registration.messageSent(
            at: now.uptime, heartbeatInterval: deviceModel.integer(StandardVariables.heartbeatInterval))
    }

    mutating func answerArrived(messageId: String, result: Result<JSONValue, CallFailure>) {
        guard let call = outbox.answered(messageId: messageId) else {
            logger.warning("dropped an answer to unknown message id \(messageId)")
            return
        }
        let errorCode: String? = if case .failure(.callError(let code, _)) = result { code } else { nil }
        publish(.rpc(.answerReceived(call.action, roundTrip: now.uptime - call.sentAt, errorCode: errorCode)))
        switch result {
        case .success(let payload):
            do throws(PayloadError) {
                switch call.purpose {
                case .boot:
                    bootAnswered(try StrictJSON.decode(BootNotificationResponse.self, from: payload))
                case .heartbeat:
                    setClock(to: try StrictJSON.decode(HeartbeatResponse.self, from: payload).currentTime)
                case .informational:
                    notificationDone(call)
                case .authorize(let reply, let token):
                    authorizationArrived(
                        try StrictJSON.decode(AuthorizeResponse.self, from: payload).idTokenInfo, for: token, reply: reply)
                case .authorizeStart(let index, let pending):
                    startAuthorizationArrived(
                        try StrictJSON.decode(AuthorizeResponse.self, from: payload).idTokenInfo, index, pending)
                case .transactionEvent(let sequence):
                    transactionEventAnswered(
                        sequence: sequence, try StrictJSON.decode(TransactionEventResponse.self, from: payload))
                case .securityEvent(let id):
                    securityEventAnswered(id: id, nil)
                case .signCertificate:
                    signCertificateAnswered(try StrictJSON.decode(SignCertificateResponse.self, from: payload).status)
                }
            } catch {
                logger.warning("unreadable \(call.action.rawValue) answer: \(error)")
                callFailed(call, .unreadableAnswer("\(call.action.rawValue) response: \(error)"))
            }
        case .failure(let failure):
            logger.warning("\(call.action.rawValue) failed: \(failure)")
            callFailed(call, failure)
        }
    }

    mutating func callFailed(_ call: InFlightCall, _ failure: CallFailure) {
        switch call.purpose {
        case .boot:
            if failure != .linkLost { registration.bootFailed(at: now.uptime) }
        case .heartbeat:
            break
        case .informational:
            // A notification the link lost goes again (`Outbox.linkLost`); otherwise it is given up.
            if failure != .linkLost { notificationDone(call) }
        case .authorize(let reply, _):
            authorizationFailed(failure, reply: reply)
        case .authorizeStart(let index, let pending):
            startAuthorizationFailed(failure, index, pending)
        case .transactionEvent(let sequence):
            transactionEventFailed(sequence: sequence, failure)
        case .securityEvent(let id):
            securityEventAnswered(id: id, failure)
        case .signCertificate:
            signCertificateAnswered(nil)
        }
    }

    /// A stored notification answered or given up leaves the store.
    private mutating func notificationDone(_ call: InFlightCall) {
        guard let id = call.stored else { return }
        outbox.storedDelivered()
        persist(.notificationDelivered(id))
    }

    private mutating func bootAnswered(_ response: BootNotificationResponse) {
        let wasAccepted = registration.isAccepted
        let reason = registration.reason
        if let interval = registration.bootAnswered(response, at: now.uptime) {
            setStoredVariable(StandardVariables.heartbeatInterval, to: String(interval))
        }
        if registration.isAccepted { setClock(to: response.currentTime) }
        publish(.station(stationSnapshot))
        guard registration.isAccepted, !wasAccepted else { return }
        logger.notice("registered with the CSMS (boot reason \(reason.rawValue))")
        // The next boot is a power-up unless something (a Reset) says otherwise before it.
        if reason != .powerUp { persist(.bootReason(.powerUp)) }
        securityEventsDue = true
        reportInstalledFirmware()
        registration.messageSent(
            at: now.uptime, heartbeatInterval: deviceModel.integer(StandardVariables.heartbeatInterval))
        availability.forgetReported()
    }

    /// ClockCtrlr.TimeSource is Heartbeat: the CSMS's `currentTime` (an Accepted BootNotification's, every
    /// Heartbeat's) is the station's time from now on [B01.FR.06, G02]. The host's clock is not touched: the
    /// engine keeps the difference and applies it to every reading it is handed.
    mutating func setClock(to currentTime: Timestamp) {
        let hostTime = now.wallClock.millisecondsSince1970 - clockOffsetMilliseconds
        clockOffsetMilliseconds = currentTime.millisecondsSince1970 - hostTime
        now.wallClock = currentTime
    }
}
