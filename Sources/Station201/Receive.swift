import OCPP201

/// Incoming frames: CALLs from the CSMS get exactly one answer, in the 2.0.1 spellings ([P4] §4); answers
/// to our CALLs go to `answerArrived`.
extension StationEngine {
    mutating func receive(_ text: String) {
        switch RPCCodec.decode(text.utf8) {
        case .frame(.call(let messageId, let action, let payload)):
            handleCall(messageId: messageId, actionName: action, payload: payload, frameBytes: text.utf8.count)
        case .frame(.callResult(let messageId, let payload)):
            answerArrived(messageId: messageId, result: .success(payload))
        case .frame(.callError(let messageId, let code, let description, _)):
            answerArrived(messageId: messageId, result: .failure(.callError(code: code, description: description)))
        case .malformed(let messageId, let reason):
            // Not a valid RPC frame; the id is -1 when it cannot be read, and the frame is never echoed [P4] §4.2.3.
            logger.warning("malformed frame from the CSMS: \(reason)")
            refuse(messageId, action: "(malformed)", .rpcFrameworkError, reason)
        case .ignored(let reason):
            logger.warning("ignored a frame from the CSMS: \(reason)")
        case .unknownMessageType(let type, let messageId):
            refuse(messageId, action: "(type \(type))", .messageTypeNotSupported, "message type \(type) is not defined by OCPP 2.0.1")
        }
    }

    private mutating func handleCall(messageId: String, actionName: String, payload: JSONValue, frameBytes: Int) {
        publish(.rpc(.callReceived(action: actionName)))
        guard let action = Action(rawValue: actionName) else {
            refuse(messageId, action: actionName, .notImplemented, "unknown action '\(actionName)'")
            return
        }
        // Rejected: every CALL is refused [B03.FR.08]. Pending: only what provisioning needs is answered
        // [B02.FR.01]; the rest is refused the same way, as libocpp does.
        if !registration.isAccepted, !Self.answeredBeforeAccepted.contains(action) || registration.status == .rejected {
            let state = registration.status?.rawValue ?? "not yet registered"
            refuse(messageId, action: actionName, .securityError, "\(actionName) is not accepted while \(state)")
            return
        }
        if let limits = Self.messageLimits[action],
           !withinLimits(messageId, action, frameBytes: frameBytes, payload: payload, limits) {
            return
        }
        switch action {
        case .getVariables:
            respond(to: messageId, payload, as: GetVariablesRequest.self) { $0.getVariables($1) }
        case .setVariables:
            respond(to: messageId, payload, as: SetVariablesRequest.self) { $0.setVariables($1) }
        case .getBaseReport:
            respond(to: messageId, payload, as: GetBaseReportRequest.self) { $0.getBaseReport($1) }
        case .getReport:
            respond(to: messageId, payload, as: GetReportRequest.self) { $0.getReport($1) }
        case .changeAvailability:
            respond(to: messageId, payload, as: ChangeAvailabilityRequest.self) { $0.changeAvailability($1) }
        case .triggerMessage:
            respond(to: messageId, payload, as: TriggerMessageRequest.self) { $0.triggerMessage($1) }
        case .reset:
            respond(to: messageId, payload, as: ResetRequest.self) { $0.reset($1) }
        case .dataTransfer:
            respond(to: messageId, payload, as: DataTransferRequest.self) { $0.dataTransfer($1) }
        case .clearCache:
            respond(to: messageId, payload, as: ClearCacheRequest.self) { $0.clearCache($1) }
        case .sendLocalList:
            respond(to: messageId, payload, as: SendLocalListRequest.self) { $0.sendLocalList($1) }
        case .unlockConnector:
            respond(to: messageId, payload, as: UnlockConnectorRequest.self) { $0.unlockConnector($1) }
        case .getTransactionStatus:
            respond(to: messageId, payload, as: GetTransactionStatusRequest.self) { $0.getTransactionStatus($1) }
        case .getLocalListVersion:
            respond(to: messageId, payload, as: GetLocalListVersionRequest.self) { $0.getLocalListVersion($1) }
        case .setNetworkProfile:
            respond(to: messageId, payload, as: SetNetworkProfileRequest.self) { $0.setNetworkProfile($1) }
        case .requestStartTransaction:
            respond(to: messageId, payload, as: RequestStartTransactionRequest.self) { $0.requestStartTransaction($1) }
        case .requestStopTransaction:
            respond(to: messageId, payload, as: RequestStopTransactionRequest.self) { $0.requestStopTransaction($1) }
        case .setDisplayMessage:
            respond(to: messageId, payload, as: SetDisplayMessageRequest.self) { $0.setDisplayMessage($1) }
        case .getDisplayMessages:
            respond(to: messageId, payload, as: GetDisplayMessagesRequest.self) { $0.getDisplayMessages($1) }
        case .clearDisplayMessage:
            respond(to: messageId, payload, as: ClearDisplayMessageRequest.self) { $0.clearDisplayMessage($1) }
        case .costUpdated:
            respond(to: messageId, payload, as: CostUpdatedRequest.self) { $0.costUpdated($1) }
        case .customerInformation:
            respond(to: messageId, payload, as: CustomerInformationRequest.self) { $0.customerInformation($1) }
        case .reserveNow:
            respond(to: messageId, payload, as: ReserveNowRequest.self) { $0.reserveNow($1) }
        case .cancelReservation:
            respond(to: messageId, payload, as: CancelReservationRequest.self) { $0.cancelReservation($1) }
        case .installCertificate:
            respond(to: messageId, payload, as: InstallCertificateRequest.self) { $0.installCertificate($1) }
        case .deleteCertificate:
            respond(to: messageId, payload, as: DeleteCertificateRequest.self) { $0.deleteCertificate($1) }
        case .getInstalledCertificateIds:
            respond(to: messageId, payload, as: GetInstalledCertificateIdsRequest.self) { $0.getInstalledCertificateIds($1) }
        case .certificateSigned:
            respond(to: messageId, payload, as: CertificateSignedRequest.self) { $0.certificateSigned($1) }
        case .setChargingProfile:
            respond(to: messageId, payload, as: SetChargingProfileRequest.self) { $0.setChargingProfile($1) }
        case .clearChargingProfile:
            respond(to: messageId, payload, as: ClearChargingProfileRequest.self) { $0.clearChargingProfile($1) }
        case .getChargingProfiles:
            respond(to: messageId, payload, as: GetChargingProfilesRequest.self) { $0.getChargingProfiles($1) }
        case .getCompositeSchedule:
            respond(to: messageId, payload, as: GetCompositeScheduleRequest.self) { $0.getCompositeSchedule($1) }
        case .setVariableMonitoring:
            respond(to: messageId, payload, as: SetVariableMonitoringRequest.self) { $0.setVariableMonitoring($1) }
        case .clearVariableMonitoring:
            respond(to: messageId, payload, as: ClearVariableMonitoringRequest.self) { $0.clearVariableMonitoring($1) }
        case .setMonitoringBase:
            respond(to: messageId, payload, as: SetMonitoringBaseRequest.self) { $0.setMonitoringBase($1) }
        case .setMonitoringLevel:
            respond(to: messageId, payload, as: SetMonitoringLevelRequest.self) { $0.setMonitoringLevel($1) }
        case .getMonitoringReport:
            respond(to: messageId, payload, as: GetMonitoringReportRequest.self) { $0.getMonitoringReport($1) }
        case .updateFirmware:
            respond(to: messageId, payload, as: UpdateFirmwareRequest.self) { $0.updateFirmware($1) }
        case .getLog:
            respond(to: messageId, payload, as: GetLogRequest.self) { $0.getLog($1) }
        default:
            refuse(messageId, action: actionName, .notSupported, "\(actionName) is not supported by this charging station")
        }
    }

    /// What the station answers while Pending (and before its first BootNotification is answered).
    static let answeredBeforeAccepted: Set<Action> = [
        .getVariables, .setVariables, .getBaseReport, .getReport, .triggerMessage, .reset,
    ]

    /// The requests whose size the device model bounds: the member that lists their items, and the
    /// ItemsPerMessage and BytesPerMessage variables that bound them.
    static let messageLimits: [Action: (member: String, items: VariableDescriptor, bytes: VariableDescriptor)] = [
        .getVariables: ("getVariableData", StandardVariables.itemsPerMessageGetVariables,
                        StandardVariables.bytesPerMessageGetVariables),
        .setVariables: ("setVariableData", StandardVariables.itemsPerMessageSetVariables,
                        StandardVariables.bytesPerMessageSetVariables),
        .getReport: ("componentVariable", StandardVariables.itemsPerMessageGetReport,
                     StandardVariables.bytesPerMessageGetReport),
        .sendLocalList: ("localAuthorizationList", StandardVariables.itemsPerMessageSendLocalList,
                         StandardVariables.bytesPerMessageSendLocalList),
        .setVariableMonitoring: ("setMonitoringData", StandardVariables.itemsPerMessageSetVariableMonitoring,
                                 StandardVariables.bytesPerMessageSetVariableMonitoring),
        .clearVariableMonitoring: ("id", StandardVariables.itemsPerMessageClearVariableMonitoring,
                                   StandardVariables.bytesPerMessageClearVariableMonitoring),
    ]

    /// Beyond ItemsPerMessage or BytesPerMessage the answer is OccurrenceConstraintViolation or
    /// FormatViolation [B06.FR.16/17, B08.FR.17/18; the others alike].
    private mutating func withinLimits(
        _ messageId: String, _ action: Action, frameBytes: Int, payload: JSONValue,
        _ limits: (member: String, items: VariableDescriptor, bytes: VariableDescriptor)
    ) -> Bool {
        let (member, items, bytes) = limits
        let maximumBytes = deviceModel.integer(bytes)
        guard frameBytes <= maximumBytes else {
            refuse(messageId, action: action.rawValue, .formatViolation,
                   "the request has \(frameBytes) bytes; BytesPerMessage[\(action.rawValue)] is \(maximumBytes)")
            return false
        }
        let maximumItems = deviceModel.integer(items)
        if case .object(let members) = payload, case .array(let list)? = members[member], list.count > maximumItems {
            refuse(messageId, action: action.rawValue, .occurrenceConstraintViolation,
                   "\(list.count) \(member) items; ItemsPerMessage[\(action.rawValue)] is \(maximumItems)")
            return false
        }
        return true
    }

    /// Validates the payload strictly, lets the operation decide, and answers before anything the decision
    /// set in motion is sent (the pump runs after this).
    private mutating func respond<Request: OCPPRequest>(
        to messageId: String, _ payload: JSONValue, as type: Request.Type,
        _ operation: (inout Self, Request) -> Request.Response
    ) {
        let request: Request
        do {
            request = try StrictJSON.decode(Request.self, from: payload)
        } catch {
            logger.warning("invalid \(Request.action.rawValue) from the CSMS: \(error)")
            refuse(messageId, action: Request.action.rawValue, RPCErrorCode(error.kind), error.description)
            return
        }
        let response = operation(&self, request)
        emit(.send(RPCCodec.callResult(messageId: messageId, payload: response)))
        publish(.rpc(.answerSent(action: Request.action.rawValue, errorCode: nil)))
        applyAfterAnswer()
    }

    private mutating func refuse(_ messageId: String, action: String, _ code: RPCErrorCode, _ description: String) {
        emit(.send(RPCCodec.callError(messageId: messageId, code: code, description: description)))
        publish(.rpc(.answerSent(action: action, errorCode: code)))
    }
}
