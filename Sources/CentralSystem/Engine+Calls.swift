import OCPP16

/// CALLs the API asks for: one on the wire per station at a time ([J] §4.1.1), the rest queued in
/// arrival order; each caller gets exactly one outcome.
extension CentralSystemEngine {
    mutating func requestCall(_ ticket: CallTicket, to identity: String, action: String, payload: JSONValue) {
        // Links are read field by field: a copy of one would make the queue append below copy the queue.
        guard let connection = linkByIdentity[identity], let version = links[connection]?.version,
              let waiting = links[connection]?.waiting.count
        else {
            effects.append(.reply(ticket, .notConnected))
            return
        }
        guard version.sends(action: action) else {
            effects.append(.reply(ticket, .unknownAction(version)))
            return
        }
        if links[connection]?.inFlight == nil {
            sendCall(WaitingCall(ticket: ticket, action: action, payload: payload), on: connection, to: identity)
        } else if waiting >= settings.maximumQueuedCalls {
            effects.append(.reply(ticket, .queueFull(limit: settings.maximumQueuedCalls)))
        } else {
            links[connection]?.waiting.append(WaitingCall(ticket: ticket, action: action, payload: payload))
        }
    }

    mutating func answerArrived(messageId: String, _ outcome: CallOutcome, on connection: UInt64, from identity: String) {
        guard let call = links[connection]?.inFlight, call.messageId == messageId else {
            logger.debug("\(identity): dropped an answer to no CALL in flight (id \(messageId), late or unknown)")
            return
        }
        finishCall(on: connection, outcome)
    }

    /// Answers every CALL whose deadline has passed with a timeout and sends the next one.
    mutating func expireCalls() {
        for connection in linksWithCallInFlight {
            guard let call = links[connection]?.inFlight, call.deadline <= now.uptime else { continue }
            logger.warning("\(links[connection]?.identity ?? "?") did not answer \(call.action) (id \(call.messageId)) within \(settings.callTimeout)")
            finishCall(on: connection, .timedOut(after: settings.callTimeout))
        }
    }

    private mutating func finishCall(on connection: UInt64, _ outcome: CallOutcome) {
        guard let call = links[connection]?.inFlight, let identity = links[connection]?.identity else { return }
        links[connection]?.inFlight = nil
        linksWithCallInFlight.remove(connection)
        effects.append(.reply(call.ticket, outcome))
        if links[connection]?.waiting.isEmpty == false, let next = links[connection]?.waiting.removeFirst() {
            sendCall(next, on: connection, to: identity)
        }
    }

    private mutating func sendCall(_ call: WaitingCall, on connection: UInt64, to identity: String) {
        lastMessageId += 1
        let messageId = String(lastMessageId)
        links[connection]?.inFlight = InFlightCall(
            ticket: call.ticket, messageId: messageId, action: call.action, deadline: now.uptime + settings.callTimeout)
        linksWithCallInFlight.insert(connection)
        var frame: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "2"), UInt8(ascii: ",")]
        JSONValue.string(messageId).write(into: &frame)
        frame.append(UInt8(ascii: ","))
        JSONValue.string(call.action).write(into: &frame)
        frame.append(UInt8(ascii: ","))
        call.payload.write(into: &frame)
        frame.append(UInt8(ascii: "]"))
        send(String(decoding: frame, as: UTF8.self), on: connection, to: identity)
    }
}
