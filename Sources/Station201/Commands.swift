import EngineSupport
import OCPP201

/// Requests from the local API.
extension StationEngine {
    mutating func perform(_ command: Command, reply: ReplyID) {
        if let result = result(of: command, reply: reply) { emit(.reply(reply, result)) }
    }

    /// Nil when the answer comes later (an Authorize the CSMS must answer).
    private mutating func result(of command: Command, reply: ReplyID) -> CommandResult? {
        switch command {
        case .station:
            return .station(stationSnapshot)
        case .connectors:
            return .connectors(connectorSnapshots)
        case .variables:
            return .variables(variableSnapshots)
        case .snapshot:
            return .snapshot(
                EngineSnapshot(
                    station: stationSnapshot, connectors: connectorSnapshots,
                    transactions: transactionSnapshots(limit: Self.recentTransactionLimit + evses.count),
                    variables: variableSnapshots))
        case .variable(let address):
            guard let descriptor = deviceModel.descriptor(at: address) else {
                return .failed(unknown(address))
            }
            return .variable(VariableSnapshot(descriptor: descriptor, value: currentValue(of: descriptor)))
        case .authorize(let token):
            return authorize(token, reply: reply)
        case .plug(let evseId), .unplug(let evseId):
            guard let index = evseIndex(evseId) else { return .failed(.unknownEVSE(evseId)) }
            if case .plug = command { plugIn(index) } else { unplug(index) }
            return .connector(connectorSnapshot(index))
        case .setMeter(let evseId, let energyWh, let powerW):
            guard let index = evseIndex(evseId) else { return .failed(.unknownEVSE(evseId)) }
            return setMeter(index, energyWh: energyWh, powerW: powerW)
        case .start(let evseId, let token, let plugIn):
            guard let index = evseIndex(evseId) else { return .failed(.unknownEVSE(evseId)) }
            return start(index, token, plugIn: plugIn, reply: reply)
        case .stop(let evseId, let reason):
            guard let index = evseIndex(evseId) else { return .failed(.unknownEVSE(evseId)) }
            return stop(index, reason: reason)
        case .transactions(let limit):
            return .transactions(transactionSnapshots(limit: limit))
        case .transaction(let id):
            return transactionSnapshot(id).map(CommandResult.transaction) ?? .failed(.unknownTransaction(id))
        case .reset(let type):
            return .status(reset(ResetRequest(type: type), reason: .localReset).status.rawValue)
        case .trigger(let message, let evseId):
            let evse = evseId.map { EVSE(id: $0, connectorId: 1) }
            return .status(triggerMessage(TriggerMessageRequest(evse: evse, requestedMessage: message)).status.rawValue)
        case .changeAvailability(let evseId, let status):
            if let evseId, evseIndex(evseId) == nil { return .failed(.unknownEVSE(evseId)) }
            let request = ChangeAvailabilityRequest(evse: evseId.map { EVSE(id: $0) }, operationalStatus: status)
            return .status(changeAvailability(request).status.rawValue)
        case .unlock(let evseId):
            guard evseIndex(evseId) != nil else { return .failed(.unknownEVSE(evseId)) }
            return .status(unlockConnector(UnlockConnectorRequest(evseId: evseId, connectorId: 1)).status.rawValue)
        case .fault(let evseId, let fault):
            guard let index = evseIndex(evseId) else { return .failed(.unknownEVSE(evseId)) }
            setFault(index, fault)
            return .connector(connectorSnapshot(index))
        case .localList:
            return .localList(localList)
        case .display:
            return .display(displaySnapshot)
        case .reservations:
            return .reservations(reservations.all)
        case .securityEvents:
            return .securityEvents(securityLog)
        case .reportSecurityEvent(let type, let techInfo):
            return .securityEvent(raiseSecurityEvent(type, detail: techInfo))
        case .chargingProfiles:
            return .chargingProfiles(chargingProfiles.entries)
        case .monitoring:
            return .monitoring(monitoringSnapshot)
        case .compositeSchedule(let evseId, let duration, let unit):
            guard evseId == 0 || evseIndex(evseId) != nil else { return .failed(.unknownEVSE(evseId)) }
            return .compositeSchedule(compositeSchedule(evseId: evseId, duration: max(duration, 0), unit: unit))
        case .setExternalLimit(let evseId, let limitW):
            return setExternalLimit(evseId: evseId, limitW: limitW)
        case .fileTransfers:
            return .fileTransfers(fileTransfersSnapshot)
        case .setVariable(let address, let value):
            switch write(address, attribute: .actual, value: value) {
            case .accepted(let descriptor, let canonical):
                let shown = descriptor.mutability == .writeOnly ? nil : canonical
                return .variableSet(VariableSnapshot(descriptor: descriptor, value: shown), rebootRequired: descriptor.appliesAfterReboot)
            case .unknownComponent, .unknownVariable, .notSupportedAttributeType: return .failed(unknown(address))
            case .refused(let refusal): return .failed(.refused(address, refusal))
            }
        }
    }

    private func unknown(_ address: VariableAddress) -> CommandFailure {
        deviceModel.hasComponent(address.component) ? .unknownVariable(address) : .unknownComponent(address.component)
    }

    private var variableSnapshots: [VariableSnapshot] {
        deviceModel.descriptors.map { VariableSnapshot(descriptor: $0, value: currentValue(of: $0)) }
    }
}
