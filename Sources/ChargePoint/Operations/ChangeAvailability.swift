import EngineSupport
import OCPP16

extension ChargePointEngine {
    /// Connector 0 means the whole charge point. A connector with a running transaction changes when the
    /// transaction ends (Scheduled); the others change now. The state survives reboots ([CORE] §5.2).
    mutating func changeAvailability(_ request: ChangeAvailabilityRequest) -> ChangeAvailabilityResponse {
        ChangeAvailabilityResponse(status: changeAvailability(connectorId: request.connectorId, to: request.type) ?? .rejected)
    }

    /// nil when the connector does not exist.
    mutating func changeAvailability(connectorId: Int, to type: AvailabilityType) -> AvailabilityStatus? {
        let affected: [Int]
        if connectorId == 0 {
            station.operative = type == .operative
            if type == .inoperative { station.reservation = nil }
            persist(.saveStation(station))
            affected = Array(connectors.indices)
        } else if let index = connectors.firstIndex(where: { $0.id == connectorId }) {
            affected = [index]
        } else {
            return nil
        }
        var scheduled = false
        for index in affected {
            if type == .inoperative && connectors[index].transactionLocalId != nil {
                connectors[index].scheduledAvailability = type
                persist(.saveConnector(connectors[index].record))
                scheduled = true
            } else {
                setAvailability(type, connectorIndex: index)
            }
        }
        logger.info("connector \(connectorId) \(type.rawValue)\(scheduled ? " (scheduled)" : "")")
        return scheduled ? .scheduled : .accepted
    }

    mutating func setAvailability(_ type: AvailabilityType, connectorIndex index: Int) {
        connectors[index].operative = type == .operative
        connectors[index].scheduledAvailability = nil
        if type == .inoperative { connectors[index].reservation = nil }
        if type == .inoperative, let pending = connectors[index].pendingStart {
            connectors[index].pendingStart = nil
            if case .api(let replyID) = pending.origin {
                fail(replyID, .connectorInoperative(connector: connectors[index].id, status: .unavailable))
            }
        }
        persist(.saveConnector(connectors[index].record))
    }
}
