import OCPP201

/// Frames from a 2.0.1 station: each CALL gets exactly one answer, with the 2.0.1 CALLERROR spellings
/// ([P4] Table 8); answers go to the API caller that asked. The station's reports (status, device model,
/// meter values, security events) are taken; the answers carry what the station needs to go on: its
/// registration, the time and the decision on a tag, by the same `TagPolicy` as 1.6's idTags.
extension CentralSystemEngine {
    mutating func receive201(_ text: String, on connection: UInt64, from identity: String) {
        switch RPCCodec.decode(text.utf8) {
        case .frame(.call(let messageId, let action, let payload)):
            answerCall201(messageId: messageId, actionName: action, payload: payload, on: connection, from: identity)
        case .frame(.callResult(let messageId, let payload)):
            answerArrived(messageId: messageId, .result(payload), on: connection, from: identity)
        case .frame(.callError(let messageId, let code, let description, let details)):
            answerArrived(messageId: messageId, .callError(code: code, description: description, details: details),
                          on: connection, from: identity)
        case .malformed(let messageId, let reason):
            // Not a valid RPC frame; the id is -1 when it cannot be read, and the frame is never echoed [P4] §4.2.3.
            logger.warning("\(identity) sent a malformed frame: \(reason)")
            refuse(messageId, .rpcFrameworkError, reason, on: connection, to: identity)
        case .ignored(let reason):
            logger.warning("\(identity): ignored a frame: \(reason)")
        case .unknownMessageType(let type, let messageId):
            // 2.0.1 answers what 1.6 drops [P4] §4.4.
            refuse(messageId, .messageTypeNotSupported, "message type \(type) is not defined by OCPP 2.0.1",
                   on: connection, to: identity)
        }
    }

    private mutating func answerCall201(
        messageId: String, actionName: String, payload: JSONValue, on connection: UInt64, from identity: String
    ) {
        guard let action = Action(rawValue: actionName) else {
            refuse(messageId, .notImplemented, "Unknown action '\(actionName)'", on: connection, to: identity)
            return
        }
        let call = IncomingCall(messageId: messageId, payload: payload, connection: connection, identity: identity)
        switch action {
        case .bootNotification:
            respond(to: call, as: BootNotificationRequest.self) { $0.boot($1, from: identity) }
        case .heartbeat:
            respond(to: call, as: HeartbeatRequest.self) { engine, _ in HeartbeatResponse(currentTime: engine.now.wallClock) }
        case .statusNotification: acknowledge(call, StatusNotificationRequest.self)
        case .notifyReport: acknowledge(call, NotifyReportRequest.self)
        case .meterValues: acknowledge(call, MeterValuesRequest.self)
        case .securityEventNotification: acknowledge(call, SecurityEventNotificationRequest.self)
        case .notifyEvent: acknowledge(call, NotifyEventRequest.self)
        case .notifyMonitoringReport: acknowledge(call, NotifyMonitoringReportRequest.self)
        case .firmwareStatusNotification: acknowledge(call, FirmwareStatusNotificationRequest.self)
        case .logStatusNotification: acknowledge(call, LogStatusNotificationRequest.self)
        case .reservationStatusUpdate: acknowledge(call, ReservationStatusUpdateRequest.self)
        case .notifyDisplayMessages: acknowledge(call, NotifyDisplayMessagesRequest.self)
        case .notifyChargingLimit: acknowledge(call, NotifyChargingLimitRequest.self)
        case .clearedChargingLimit: acknowledge(call, ClearedChargingLimitRequest.self)
        case .reportChargingProfiles: acknowledge(call, ReportChargingProfilesRequest.self)
        case .notifyCustomerInformation: acknowledge(call, NotifyCustomerInformationRequest.self)
        case .authorize:
            respond(to: call, as: AuthorizeRequest.self) { engine, request in
                AuthorizeResponse(idTokenInfo: engine.idTokenInfo(for: request.idToken))
            }
        case .transactionEvent:
            respond(to: call, as: TransactionEventRequest.self) { $0.transactionEvent($1, from: identity) }
        case .dataTransfer:
            respond(to: call, as: DataTransferRequest.self) { _, _ in DataTransferResponse(status: .unknownVendorId) }
        default:
            refuse(messageId, .notSupported, "\(actionName) is not handled by this central system", on: connection, to: identity)
        }
    }

    /// A notification: checked strictly, and acknowledged with the empty answer it takes.
    private mutating func acknowledge<Request: OCPPRequest>(_ call: IncomingCall, _ type: Request.Type)
    where Request.Response == EmptyResponse {
        respond(to: call, as: type) { _, _ in EmptyResponse() }
    }

    /// Validates the payload strictly and answers with the operation's response, or with the CALLERROR a 2.0.1
    /// station would send for the same mistake.
    private mutating func respond<Request: OCPPRequest>(
        to call: IncomingCall, as type: Request.Type, _ operation: (inout Self, Request) -> Request.Response
    ) {
        answer(call, with: type, action: Request.action.rawValue, errorCode: { RPCErrorCode($0).rawValue }, operation)
    }

    private mutating func refuse(
        _ messageId: String, _ code: RPCErrorCode, _ description: String, on connection: UInt64, to identity: String
    ) {
        refuse(messageId, code: code.rawValue, description, on: connection, to: identity)
    }

    // MARK: - Operations

    private mutating func boot(_ request: BootNotificationRequest, from identity: String) -> BootNotificationResponse {
        // The configured status is one of the three both versions share.
        let status: RegistrationStatus = switch register(identity) {
        case .accepted: .accepted
        case .pending: .pending
        case .rejected: .rejected
        }
        let station = request.chargingStation
        logger.info("\(identity) booted (\(station.vendorName) \(station.model), \(request.reason.rawValue)): \(status.rawValue)")
        return BootNotificationResponse(currentTime: now.wallClock, interval: settings.heartbeatInterval, status: status)
    }

    /// Transactions are the station's own in 2.0.1 (it makes the ids), so there is nothing to assign; a tag
    /// that came with the event gets its decision, as a 1.6 StartTransaction's idTag does.
    private mutating func transactionEvent(_ request: TransactionEventRequest, from identity: String) -> TransactionEventResponse {
        if request.eventType != .updated {
            logger.info("\(identity): transaction \(request.transactionInfo.transactionId) \(request.eventType.rawValue) (\(request.triggerReason.rawValue))")
        }
        return TransactionEventResponse(idTokenInfo: request.idToken.map(idTokenInfo(for:)))
    }

    private func idTokenInfo(for token: IdToken) -> IdTokenInfo {
        IdTokenInfo(status: settings.tags.accepts(token.idToken.value) ? .accepted : .invalid)
    }
}
