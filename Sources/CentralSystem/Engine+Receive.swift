import OCPP16

/// Frames from a 1.6 station: each CALL gets exactly one answer, in the 1.6 spellings; answers go to the API
/// caller that asked.
extension CentralSystemEngine {
    mutating func receive(_ text: String, on connection: UInt64, from identity: String) {
        switch RPCCodec.decode(text.utf8) {
        case .frame(.call(let messageId, let action, let payload)):
            answerCall(messageId: messageId, actionName: action, payload: payload, on: connection, from: identity)
        case .frame(.callResult(let messageId, let payload)):
            answerArrived(messageId: messageId, .result(payload), on: connection, from: identity)
        case .frame(.callError(let messageId, let code, let description, let details)):
            answerArrived(messageId: messageId, .callError(code: code, description: description, details: details),
                          on: connection, from: identity)
        case .malformed(let messageId, let reason):
            logger.warning("\(identity) sent a malformed frame: \(reason)")
            refuse(messageId, .formationViolation, reason, on: connection, to: identity)
        case .ignored(let reason):
            logger.warning("\(identity): ignored a frame: \(reason)")
        case .unknownMessageType(let type, _):
            logger.warning("\(identity): ignored a frame: unknown message type \(type)")
        }
    }

    private mutating func answerCall(
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
        case .statusNotification:
            respond(to: call, as: StatusNotificationRequest.self) { _, _ in EmptyResponse() }
        case .authorize:
            respond(to: call, as: AuthorizeRequest.self) { engine, request in
                AuthorizeResponse(idTagInfo: IdTagInfo(status: engine.settings.tags.status(of: request.idTag)))
            }
        case .startTransaction:
            respond(to: call, as: StartTransactionRequest.self) { $0.startTransaction($1, from: identity) }
        case .stopTransaction:
            respond(to: call, as: StopTransactionRequest.self) { $0.stopTransaction($1, from: identity) }
        case .meterValues:
            respond(to: call, as: MeterValuesRequest.self) { _, _ in EmptyResponse() }
        case .dataTransfer:
            respond(to: call, as: DataTransferRequest.self) { _, _ in DataTransferResponse(status: .unknownVendorId) }
        case .diagnosticsStatusNotification:
            respond(to: call, as: DiagnosticsStatusNotificationRequest.self) { _, _ in EmptyResponse() }
        case .firmwareStatusNotification:
            respond(to: call, as: FirmwareStatusNotificationRequest.self) { _, _ in EmptyResponse() }
        case .securityEventNotification:
            respond(to: call, as: SecurityEventNotificationRequest.self) { _, _ in EmptyResponse() }
        case .logStatusNotification:
            respond(to: call, as: LogStatusNotificationRequest.self) { _, _ in EmptyResponse() }
        case .signedFirmwareStatusNotification:
            respond(to: call, as: SignedFirmwareStatusNotificationRequest.self) { _, _ in EmptyResponse() }
        case .signCertificate:
            // No CA here: saying Accepted would promise a CertificateSigned that never comes.
            respond(to: call, as: SignCertificateRequest.self) { _, _ in GenericStatusResponse(status: .rejected) }
        default:
            refuse(messageId, .notSupported, "\(actionName) is not handled by this central system", on: connection, to: identity)
        }
    }

    /// Validates the payload strictly and answers with the operation's response, or with the CALLERROR the
    /// charge point would send for the same mistake.
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
        let status = register(identity)
        logger.info("\(identity) booted (\(request.chargePointVendor) \(request.chargePointModel)): \(status.rawValue)")
        return BootNotificationResponse(status: status, currentTime: now.wallClock, interval: settings.heartbeatInterval)
    }

    private mutating func startTransaction(_ request: StartTransactionRequest, from identity: String) -> StartTransactionResponse {
        let transactionId = nextTransactionId
        nextTransactionId += 1
        let status = settings.tags.status(of: request.idTag)
        // Recorded even when the tag is refused: the station may charge until it stops the transaction.
        records[identity, default: StationRecord()].transactions.append(transactionId)
        logger.info("\(identity): transaction \(transactionId) started on connector \(request.connectorId) by \(request.idTag) (\(status.rawValue))")
        return StartTransactionResponse(idTagInfo: IdTagInfo(status: status), transactionId: transactionId)
    }

    private mutating func stopTransaction(_ request: StopTransactionRequest, from identity: String) -> StopTransactionResponse {
        records[identity, default: StationRecord()].transactions.removeAll { $0 == request.transactionId }
        logger.info("\(identity): transaction \(request.transactionId) stopped at \(request.meterStop) Wh (\(request.reason?.rawValue ?? "Local"))")
        return StopTransactionResponse(idTagInfo: request.idTag.map { IdTagInfo(status: settings.tags.status(of: $0)) })
    }
}
