import DequeModule
import EngineSupport
import OCPP16

/// What a CALL of ours is for, so that its answer reaches the right place.
enum CallPurpose: Sendable, Equatable {
    case boot
    /// A call whose answer carries nothing the charge point acts on (Heartbeat, triggered notifications).
    case informational
    case status(connector: Int, StatusReport)
    case authorize(AuthorizeOrigin)
    case transaction(sequence: Int)
}

enum AuthorizeOrigin: Sendable, Equatable {
    /// `POST /authorize`: the answer goes to the caller.
    case api(ReplyID, IdToken)
    /// A start waiting on this connector.
    case start(connector: Int)
}

/// A CALL that is not transaction-related: it lives in memory only and may overtake transaction messages
/// that wait for a retry ([CORE] §3.7).
struct PlainCall: Sendable {
    var request: any OCPPRequest
    var purpose: CallPurpose
    /// The sequence number the next transaction message would get when this call was made: transaction
    /// messages numbered below it are older and go first.
    var precedesSequence: Int
    /// Asked for by TriggerMessage: the only calls besides BootNotification allowed while Pending ([CORE] §4.2).
    var triggered = false
}

struct InFlightCall: Sendable {
    var messageId: String
    var action: Action
    var purpose: CallPurpose
    var sentAt: Duration
    var deadline: Duration
}

struct AwaitedConfirmation: Sendable, Equatable {
    var reply: ReplyID
    var localId: Int
    var deadline: Duration
}

/// Why a CALL of ours brought no usable answer.
enum CallFailure: Error, Sendable, Equatable {
    case callError(code: String, description: String)
    case unreadableAnswer(String)
    case timeout
    case linkLost

    var commandFailure: CommandFailure {
        switch self {
        case .callError(let code, let description): .centralSystemError(code: code, description: description)
        case .unreadableAnswer(let reason): .centralSystemError(code: "FormationViolation", description: reason)
        case .timeout: .centralSystemTimeout
        case .linkLost: .offline
        }
    }
}

extension ChargePointEngine {
    var messageTimeout: Duration { .seconds(configuration.integer(.messageTimeout)) }
    var isOnline: Bool { link == .connected && registration == .accepted }

    mutating func enqueue(_ request: some OCPPRequest, purpose: CallPurpose, triggered: Bool = false) {
        reportStatusChanges()
        plainOutbox.append(
            PlainCall(request: request, purpose: purpose, precedesSequence: nextSequence, triggered: triggered))
    }

    @discardableResult
    mutating func enqueueTransactionMessage(_ message: TransactionMessage, localId: Int) -> Int {
        reportStatusChanges()
        let queuedMessage = QueuedMessage(sequence: nextSequence, transactionLocalId: localId, message: message)
        nextSequence += 1
        transactionQueue.append(queuedMessage)
        persist(.enqueue(queuedMessage))
        return queuedMessage.sequence
    }

    /// Sends the next CALL if the link is free: one outstanding CALL at a time ([J] §4.1.1).
    mutating func pump() {
        guard link == .connected, inFlight == nil else { return }
        guard registration == .accepted else {
            if bootRetryAt.map({ $0 <= now.uptime }) ?? true {
                sendCall(settings.bootNotification, purpose: .boot)
            } else if registration == .pending, let index = plainOutbox.firstIndex(where: \.triggered) {
                let call = plainOutbox.remove(at: index)
                sendCall(call.request, purpose: call.purpose)
            }
            return
        }
        let retryWaiting = retryNotBefore.map { $0 > now.uptime } ?? false
        let transactionHead = retryWaiting ? nil : transactionQueue.head
        // Calls made on this link keep their order with the transaction messages made on it (Preparing,
        // Authorize, StartTransaction, Charging); a backlog from before the link may be overtaken.
        if let plain = plainOutbox.first,
            transactionHead.map({ $0.sequence < backlogBelowSequence || plain.precedesSequence <= $0.sequence }) ?? true
        {
            plainOutbox.removeFirst()
            sendCall(plain.request, purpose: plain.purpose)
        } else if let message = transactionHead {
            sendTransactionMessage(message)
        }
    }

    private mutating func sendCall(_ request: some OCPPRequest, purpose: CallPurpose) {
        messageCounter += 1
        let messageId = "\(messageIdPrefix)-\(messageCounter)"
        let action = type(of: request).action
        inFlight = InFlightCall(
            messageId: messageId, action: action, purpose: purpose, sentAt: now.uptime,
            deadline: now.uptime + messageTimeout)
        emit(.send(RPCCodec.call(messageId: messageId, action: action, payload: request)))
        emit(.publish(.rpc(.callSent(action))))
        if case .status(let connector, let status) = purpose { sentStatus[connector] = status }
        if registration == .accepted { scheduleHeartbeat() }
    }

    /// Sends a queued message as it goes on the wire, with the CSMS transaction id known by now: FIFO
    /// delivery means a StartTransaction was answered or given up before any later message of its
    /// transaction is sent. Each case sends its own request type, so that writing it needs no look-up of
    /// the type's conformances at run time.
    private mutating func sendTransactionMessage(_ queued: QueuedMessage) {
        let transactionId = transactions[queued.transactionLocalId]?.transactionId ?? -1
        let purpose = CallPurpose.transaction(sequence: queued.sequence)
        switch queued.message {
        case .start(let request):
            sendCall(request, purpose: purpose)
        case .meterValues(let connectorId, let meterValue):
            sendCall(
                MeterValuesRequest(connectorId: connectorId, transactionId: transactionId, meterValue: meterValue),
                purpose: purpose)
        case .stop(let idTag, let meterStop, let timestamp, let reason, let transactionData):
            sendCall(
                StopTransactionRequest(
                    idTag: idTag, meterStop: meterStop, timestamp: timestamp, transactionId: transactionId,
                    reason: reason, transactionData: transactionData),
                purpose: purpose)
        case .securityEvent(let request):
            sendCall(request, purpose: purpose)
        }
    }

    mutating func scheduleHeartbeat() {
        let interval = configuration.integer(.heartbeatInterval)
        heartbeatDueAt = interval > 0 ? now.uptime + .seconds(interval) : nil
    }

    // MARK: - Answers to our calls

    mutating func answerArrived(messageId: String, result: Result<JSONValue, CallFailure>) {
        guard let call = inFlight, call.messageId == messageId else {
            logger.warning("dropped an answer to unknown message id \(messageId)")
            return
        }
        inFlight = nil
        let errorCode: String? = if case .failure(.callError(let code, _)) = result { code } else { nil }
        emit(.publish(.rpc(.answerReceived(call.action, roundTrip: now.uptime - call.sentAt, errorCode: errorCode))))
        switch result {
        case .success(let payload):
            callSucceeded(call, payload: payload)
        case .failure(let failure):
            logger.warning("\(call.action.rawValue) failed: \(failure)")
            callFailed(call, failure)
        }
    }

    private mutating func callSucceeded(_ call: InFlightCall, payload: JSONValue) {
        do throws(PayloadError) {
            switch call.purpose {
            case .boot:
                bootAnswered(try StrictJSON.decode(BootNotificationResponse.self, from: payload))
            case .informational, .status:
                break
            case .authorize(let origin):
                let response = try StrictJSON.decode(AuthorizeResponse.self, from: payload)
                authorizationArrived(response.idTagInfo, for: origin)
            case .transaction(let sequence):
                try transactionMessageConfirmed(sequence: sequence, payload: payload)
            }
        } catch {
            logger.warning("unreadable \(call.action.rawValue) answer: \(error)")
            callFailed(call, .unreadableAnswer("\(call.action.rawValue).conf: \(error)"))
        }
    }

    mutating func callTimedOut(_ call: InFlightCall) {
        logger.warning("\(call.action.rawValue) \(call.messageId) got no answer in time")
        callFailed(call, .timeout)
    }

    mutating func callFailed(_ call: InFlightCall, _ failure: CallFailure) {
        switch call.purpose {
        case .boot:
            if failure != .linkLost { bootRetryAt = now.uptime + Self.bootRetryFallback }
        case .informational, .status:
            break
        case .authorize(let origin):
            authorizationFailed(failure, for: origin)
        case .transaction(let sequence):
            transactionMessageFailed(sequence: sequence, failure)
        }
    }
}
