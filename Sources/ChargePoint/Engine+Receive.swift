import OCPP16

/// Incoming frames: CALLs from the CSMS get exactly one answer; answers to our CALLs go to `answerArrived`.
extension ChargePointEngine {
    mutating func receive(_ text: String) {
        switch RPCCodec.decode(text.utf8) {
        case .frame(.call(let messageId, let action, let payload)):
            handleCall(messageId: messageId, actionName: action, payload: payload)
        case .frame(.callResult(let messageId, let payload)):
            answerArrived(messageId: messageId, result: .success(payload))
        case .frame(.callError(let messageId, let code, let description, _)):
            answerArrived(messageId: messageId, result: .failure(.callError(code: code, description: description)))
        case .malformed(let messageId, let reason):
            logger.warning("malformed frame from the CSMS: \(reason)")
            raiseSecurityEventOncePerConnection(.invalidMessages, techInfo: reason)
            if registration != .rejected { refuse(messageId, action: "(malformed)", .formationViolation, reason) }
        case .ignored(let reason):
            logger.warning("ignored a frame from the CSMS: \(reason)")
        case .unknownMessageType(let type, _):
            logger.warning("ignored a frame from the CSMS: unknown message type \(type)")
        }
    }

    private mutating func handleCall(messageId: String, actionName: String, payload: JSONValue) {
        emit(.publish(.rpc(.callReceived(action: actionName))))
        // While Rejected the charge point sends nothing at all until the retry interval has passed ([CORE] §4.2).
        guard registration != .rejected else {
            logger.warning("ignored \(actionName) from the CSMS: registration is Rejected")
            return
        }
        guard let action = Action(rawValue: actionName) else {
            refuse(messageId, action: actionName, .notImplemented, "Unknown action '\(actionName)'")
            return
        }
        switch action {
        case .changeAvailability:
            respond(to: messageId, payload, as: ChangeAvailabilityRequest.self) { $0.changeAvailability($1) }
        case .updateFirmware:
            respond(to: messageId, payload, as: UpdateFirmwareRequest.self) { $0.updateFirmware($1) }
        case .getDiagnostics:
            respond(to: messageId, payload, as: GetDiagnosticsRequest.self) { $0.getDiagnostics($1) }
        case .setChargingProfile:
            respond(to: messageId, payload, as: SetChargingProfileRequest.self) { (engine, request) throws(PayloadError) in
                try engine.setChargingProfile(request)
            }
        case .clearChargingProfile:
            respond(to: messageId, payload, as: ClearChargingProfileRequest.self) { $0.clearChargingProfile($1) }
        case .getCompositeSchedule:
            respond(to: messageId, payload, as: GetCompositeScheduleRequest.self) { (engine, request) throws(PayloadError) in
                try engine.getCompositeSchedule(request)
            }
        case .reserveNow:
            respond(to: messageId, payload, as: ReserveNowRequest.self) { $0.reserveNow($1) }
        case .cancelReservation:
            respond(to: messageId, payload, as: CancelReservationRequest.self) { $0.cancelReservation($1) }
        case .sendLocalList:
            respond(to: messageId, payload, as: SendLocalListRequest.self) { $0.sendLocalList($1) }
        case .getLocalListVersion:
            respond(to: messageId, payload, as: GetLocalListVersionRequest.self) { $0.getLocalListVersion($1) }
        case .clearCache:
            respond(to: messageId, payload, as: ClearCacheRequest.self) { $0.clearCache($1) }
        case .triggerMessage:
            respond(to: messageId, payload, as: TriggerMessageRequest.self) { $0.triggerMessage($1) }
        case .reset:
            respond(to: messageId, payload, as: ResetRequest.self) { $0.reset($1) }
        case .unlockConnector:
            respond(to: messageId, payload, as: UnlockConnectorRequest.self) { $0.unlockConnector($1) }
        case .changeConfiguration:
            respond(to: messageId, payload, as: ChangeConfigurationRequest.self) { $0.changeConfiguration($1) }
        case .dataTransfer:
            respond(to: messageId, payload, as: DataTransferRequest.self) { $0.dataTransfer($1) }
        case .getConfiguration:
            respond(to: messageId, payload, as: GetConfigurationRequest.self) { $0.getConfiguration($1) }
        case .remoteStartTransaction:
            respond(to: messageId, payload, as: RemoteStartTransactionRequest.self) { $0.remoteStart($1) }
        case .remoteStopTransaction:
            respond(to: messageId, payload, as: RemoteStopTransactionRequest.self) { $0.remoteStop($1) }
        case .installCertificate:
            respond(to: messageId, payload, as: InstallCertificateRequest.self) { $0.installCertificate($1) }
        case .deleteCertificate:
            respond(to: messageId, payload, as: DeleteCertificateRequest.self) { $0.deleteCertificate($1) }
        case .getInstalledCertificateIds:
            respond(to: messageId, payload, as: GetInstalledCertificateIdsRequest.self) { $0.getInstalledCertificateIds($1) }
        case .certificateSigned:
            respond(to: messageId, payload, as: CertificateSignedRequest.self) { $0.certificateSigned($1) }
        case .extendedTriggerMessage:
            respond(to: messageId, payload, as: ExtendedTriggerMessageRequest.self) { $0.extendedTriggerMessage($1) }
        case .getLog:
            respond(to: messageId, payload, as: GetLogRequest.self) { $0.getLog($1) }
        case .signedUpdateFirmware:
            respond(to: messageId, payload, as: SignedUpdateFirmwareRequest.self) { $0.signedUpdateFirmware($1) }
        default:
            refuse(messageId, action: actionName, .notImplemented, "\(action.rawValue) is not implemented by this charge point")
        }
    }

    /// Validates the payload strictly, lets the operation decide, and answers before anything the decision
    /// set in motion is sent (the pump runs after this).
    private mutating func respond<Request: OCPPRequest>(
        to messageId: String, _ payload: JSONValue, as type: Request.Type,
        _ operation: (inout Self, Request) throws(PayloadError) -> Request.Response
    ) {
        let response: Request.Response
        do {
            // Values the schema cannot judge (a connector that does not exist) fail in the operation.
            response = try operation(&self, try StrictJSON.decode(Request.self, from: payload))
        } catch {
            logger.warning("invalid \(Request.action.rawValue) from the CSMS: \(error)")
            refuse(messageId, action: Request.action.rawValue, RPCErrorCode(error.kind), error.description)
            return
        }
        emit(.send(RPCCodec.callResult(messageId: messageId, payload: response)))
        emit(.publish(.rpc(.answerSent(action: Request.action.rawValue, errorCode: nil))))
    }

    private mutating func refuse(_ messageId: String, action: String, _ code: RPCErrorCode, _ description: String) {
        emit(.send(RPCCodec.callError(messageId: messageId, code: code, description: description)))
        emit(.publish(.rpc(.answerSent(action: action, errorCode: code))))
    }
}
