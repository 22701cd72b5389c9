import EngineSupport
import OCPP201

/// Transactions ([E01]–[E14]): when TxStartPoint and TxStopPoint say one begins and ends, the
/// TransactionEvents that tell the CSMS every step, and their persistent queue. The hardware side (cable,
/// meter) and the authorization side (tokens, remote starts and stops) call in here when something changes.
extension StationEngine {
    var txStartPoints: Set<TxPoint> { Set(deviceModel.list(StandardVariables.txStartPoint).compactMap(TxPoint.init)) }
    var txStopPoints: Set<TxPoint> { Set(deviceModel.list(StandardVariables.txStopPoint).compactMap(TxPoint.init)) }

    /// Nil for an id no EVSE has, whatever integer the CSMS sent (no `evseId - 1` that could overflow).
    func evseIndex(_ evseId: Int) -> Int? {
        (1...evses.count).contains(evseId) ? evseId - 1 : nil
    }

    // MARK: - The cable

    /// The EV's cable goes in: the connector is Occupied at once [E02.FR.05], and a transaction starts or
    /// learns of it.
    mutating func plugIn(_ index: Int) {
        guard !evses[index].plugged else { return }
        evses[index].plugged = true
        evses[index].pending?.expiresAt = nil
        evses[index].connectionDeadline = nil
        persist(.evse(evses[index].record))
        // The status goes before the transaction event the plug-in causes.
        reportStatusChanges()
        if var transaction = evses[index].transaction {
            transaction.evConnected = true
            evses[index].transaction = transaction
            queueEvent(index, .updated, .cablePluggedIn)
        } else if let pending = evses[index].pending, pending.authorized {
            // A remote start keeps its trigger even when the cable completes it [F02.FR.21].
            if case .remote = pending.origin { beginIfStartPointReached(index, .remoteStart) } else {
                beginIfStartPointReached(index, .cablePluggedIn)
            }
        } else {
            beginIfStartPointReached(index, .cablePluggedIn)
        }
    }

    /// The cable comes out: StopTxOnEVSideDisconnect ends the authorization with it, so whatever the stop
    /// points, the transaction ends [E06.FR.05, E09].
    mutating func unplug(_ index: Int) {
        guard evses[index].plugged else { return }
        evses[index].plugged = false
        persist(.evse(evses[index].record))
        if evses[index].transaction != nil { end(index, .evDisconnected) }
        if let pending = evses[index].pending, pending.authorized { evses[index].pending = nil }
    }

    // MARK: - Authorization

    /// A token authorized for this EVSE (locally, by the CSMS, or a remote start the station does not
    /// check): it authorizes the transaction that runs unauthorized, or starts one when the start points
    /// say so, or waits EVConnectionTimeOut for the cable.
    mutating func authorizationGranted(_ index: Int, _ authorization: PendingAuthorization) {
        var granted = authorization
        granted.authorized = true
        let cause: TransactionCause = if case .remote = granted.origin { .remoteStart } else { .authorized }
        let remoteStartId: Int? = if case .remote(let id) = granted.origin { id } else { nil }
        if let reservationId = granted.reservationId { consumeReservation(reservationId) }
        if var transaction = evses[index].transaction {
            transaction.authorized = true
            transaction.idToken = granted.idToken
            transaction.tokenStatus = .accepted
            transaction.remoteStartId = transaction.remoteStartId ?? remoteStartId
            evses[index].transaction = transaction
            evses[index].pending = nil
            let sequence = queueEvent(
                index, .updated, cause, idToken: granted.idToken, remoteStartId: remoteStartId,
                reservationId: granted.reservationId)
            if case .api(let reply) = granted.origin { awaitTransactionAnswer(sequence, index: index, reply: reply) }
            return
        }
        evses[index].pending = granted
        guard !beginIfStartPointReached(index, cause) else { return }
        if !evses[index].plugged {
            evses[index].pending?.expiresAt = now.uptime + .seconds(deviceModel.integer(StandardVariables.evConnectionTimeOut))
        }
        // Authorized, but the start points wait for more (the cable, energy): the caller hears that now.
        if case .api(let reply) = granted.origin { emit(.reply(reply, .connector(connectorSnapshot(index)))) }
    }

    /// The authorization of the running transaction ends: the driver's stop, a remote stop, or the CSMS
    /// refusing the token. With Authorized (or PowerPathClosed) among the stop points the transaction ends;
    /// otherwise only the energy stops and the CSMS hears it in an Updated [E06, F03.FR.02/03, E05.FR.09].
    mutating func endAuthorization(_ index: Int, _ cause: TransactionCause, idToken: IdToken? = nil) {
        guard var transaction = evses[index].transaction else { return }
        transaction.authorized = false
        evses[index].transaction = transaction
        let stops = txStopPoints
        if !stops.isDisjoint(with: [.authorized, .powerPathClosed])
            || (stops.contains(.energyTransfer) && transaction.energyTransferred)
        {
            end(index, cause, idToken: idToken)
        } else {
            queueEvent(index, .updated, cause, idToken: idToken)
        }
    }

    // MARK: - Start and end

    /// Starts a transaction when one of TxStartPoint's conditions holds; true when it did.
    @discardableResult
    mutating func beginIfStartPointReached(_ index: Int, _ cause: TransactionCause) -> Bool {
        let evse = evses[index]
        guard evse.transaction == nil, evse.fault == nil, availability.admitsNewSession(evseId: evse.id) else {
            return false
        }
        let authorized = evse.pending?.authorized ?? false
        let reached = txStartPoints.filter { point in
            switch point {
            case .evConnected: evse.plugged
            case .authorized: authorized
            case .powerPathClosed: evse.plugged && authorized
            case .energyTransfer: evse.plugged && authorized && evse.meter.demandW > 0
            }
        }
        guard !reached.isEmpty else { return false }
        begin(index, cause, byEnergy: reached == [.energyTransfer])
        return true
    }

    /// `byEnergy`: energy flowing is what starts it, so the Started says Charging; otherwise the power path
    /// closes after the start and energy flows from the next step on.
    private mutating func begin(_ index: Int, _ cause: TransactionCause, byEnergy: Bool) {
        let pending = evses[index].pending.flatMap { $0.authorized ? $0 : nil }
        let remoteStartId: Int? = if case .remote(let id)? = pending?.origin { id } else { nil }
        let energyWh = evses[index].meter.energyWh
        var transaction = TransactionRecord(
            id: transactionIds.next(), evseId: evses[index].id, startedAt: now.wallClock, meterStartWh: energyWh,
            idToken: pending?.idToken, tokenStatus: pending.map { _ in .accepted }, remoteStartId: remoteStartId,
            chargingState: byEnergy ? .charging : evses[index].plugged ? .evConnected : .idle,
            authorized: pending != nil, evConnected: evses[index].plugged)
        if let begin = sample(index, StandardVariables.txEndedMeasurands, .transactionBegin) {
            transaction.endedMeterValues = [begin]
        }
        evses[index].transaction = transaction
        // The authorization this transaction starts with is used up; one still waiting for the CSMS's answer
        // authorizes it when that comes.
        if pending != nil { evses[index].pending = nil }
        if !evses[index].plugged {
            evses[index].connectionDeadline = now.uptime + .seconds(deviceModel.integer(StandardVariables.evConnectionTimeOut))
        }
        logger.info("transaction \(transaction.id) started on EVSE \(transaction.evseId) (\(cause.trigger.rawValue))")
        let sequence = queueEvent(
            index, .started, cause, idToken: pending?.idToken, remoteStartId: remoteStartId,
            reservationId: pending?.reservationId,
            meterValue: sample(index, StandardVariables.txStartedMeasurands, .transactionBegin).map { [$0] },
            sendsEVSE: true, chargingStateChanged: true)
        scheduleSamples(index)
        if case .api(let reply)? = pending?.origin { awaitTransactionAnswer(sequence, index: index, reply: reply) }
    }

    /// Ends the running transaction with an Ended event carrying TxEndedMeasurands (the start's sample, the
    /// TxEndedInterval ones and the final one) [E06].
    mutating func end(_ index: Int, _ cause: TransactionCause, idToken: IdToken? = nil) {
        guard var transaction = evses[index].transaction else { return }
        let energyWh = evses[index].meter.energyWh
        if let final = sample(index, StandardVariables.txEndedMeasurands, .transactionEnd) {
            transaction.endedMeterValues.append(final)
        }
        transaction.authorized = false
        transaction.ended = TransactionRecord.Ending(at: now.wallClock, reason: cause.stoppedReason, meterStopWh: energyWh)
        evses[index].transaction = transaction
        let meterValues = transaction.endedMeterValues
        queueEvent(index, .ended, cause, idToken: idToken, meterValue: meterValues.isEmpty ? nil : meterValues)
        logger.info("transaction \(transaction.id) ended (\(cause.stoppedReason.rawValue)), meter \(Int(energyWh)) Wh")
        if let ended = evses[index].transaction {
            recentTransactions.append(ended)
            pruneRecentTransactions()
        }
        evses[index].transaction = nil
        if evses[index].resetWhenIdle {
            // The simulated EVSE restarts at once and is ready for the next session.
            evses[index].resetWhenIdle = false
            logger.notice("EVSE \(evses[index].id) reset (Reset OnIdle) now that its transaction has ended")
        }
        evses[index].connectionDeadline = nil
        evses[index].nextUpdatedSampleAt = nil
        evses[index].nextEndedSampleAt = nil
    }

    /// Ended transactions the API still shows: the last `recentTransactionLimit`, except those whose events
    /// still wait for delivery, which stay until delivered.
    ///
    /// How many of them wait is counted from the queue, not by looking at each: while a backlog of thousands
    /// of transactions is delivered, every delivery would otherwise walk all of them to find none to drop.
    private mutating func pruneRecentTransactions() {
        let ongoingWaiting = evses.count { evse in
            guard let transaction = evse.transaction, transaction.isOngoing else { return false }
            return transactionEvents.contains(transaction: transaction.id)
        }
        var waitingForNothing = recentTransactions.count - (transactionEvents.transactionsWaiting - ongoingWaiting)
        while recentTransactions.count > Self.recentTransactionLimit, waitingForNothing > 0,
              let index = recentTransactions.firstIndex(where: { !transactionEvents.contains(transaction: $0.id) })
        {
            persist(.transactionRemoved(recentTransactions.remove(at: index).id))
            waitingForNothing -= 1
        }
    }

    static let recentTransactionLimit = 50

    // MARK: - Events

    /// Queues the next TransactionEvent of the EVSE's transaction, persisted with the transaction's new
    /// state, and returns its place in the queue. Fields follow [E01]–[E06]: `evse` in the first event,
    /// `idToken` where an authorization begins or ends, `chargingState` whenever it changed, `offline` for
    /// what happened while the CSMS was out of reach.
    @discardableResult
    mutating func queueEvent(
        _ index: Int, _ type: TransactionEventEnumType, _ cause: TransactionCause, idToken: IdToken? = nil,
        remoteStartId: Int? = nil, reservationId: Int? = nil, meterValue: [MeterValue]? = nil, sendsEVSE: Bool = false,
        chargingStateChanged: Bool = false
    ) -> Int {
        guard var transaction = evses[index].transaction else { preconditionFailure("no transaction on EVSE \(index + 1)") }
        let state = type == .started ? transaction.chargingState : evses[index].chargingState
        let stateChanged = chargingStateChanged || state != transaction.chargingState
        let request = TransactionEventRequest(
            eventType: type, meterValue: meterValue, timestamp: now.wallClock, triggerReason: cause.trigger,
            seqNo: transaction.nextSeqNo, offline: link == .connected ? nil : true, reservationId: reservationId,
            transactionInfo: Transaction(
                transactionId: CiString(transaction.id) ?? "", chargingState: stateChanged ? state : nil,
                stoppedReason: type == .ended ? cause.stoppedReason : nil, remoteStartId: remoteStartId),
            evse: sendsEVSE ? EVSE(id: transaction.evseId, connectorId: 1) : nil, idToken: idToken)
        transaction.nextSeqNo += 1
        transaction.chargingState = state
        evses[index].transaction = transaction
        persist(.transaction(transaction))
        persist(.evse(evses[index].record))
        let queued = transactionEvents.append(request, after: outbox.lastTicket)
        persist(.transactionEventQueued(queued))
        if let snapshot = transactionSnapshot(transaction.id) {
            let step: TransactionStep = switch type {
            case .started: .started
            case .updated: .updated
            case .ended: .ended
            }
            publish(.transaction(step, snapshot))
        }
        return queued.sequence
    }

    /// After every input: the chargingState of each transaction as the CSMS last heard it, compared with what
    /// the EVSE does now; a change is an Updated [E01.FR.18]. With EnergyTransfer among the stop points, energy
    /// that stops ends the transaction.
    mutating func reportChargingStates() {
        for index in evses.indices {
            guard var transaction = evses[index].transaction else {
                if let pending = evses[index].pending, pending.authorized {
                    beginIfStartPointReached(index, .chargingStateChanged)
                }
                continue
            }
            let flowing = evses[index].powerW > 0
            if flowing, !transaction.energyTransferred {
                transaction.energyTransferred = true
                evses[index].transaction = transaction
                persist(.transaction(transaction))
            }
            if !flowing, transaction.energyTransferred, txStopPoints.contains(.energyTransfer) {
                end(index, .chargingStateChanged)
            } else if evses[index].chargingState != transaction.chargingState {
                queueEvent(index, .updated, .chargingStateChanged)
            }
        }
    }

    // MARK: - Samples

    func sample(_ index: Int, _ measurands: VariableDescriptor, _ context: ReadingContext) -> MeterValue? {
        reading(index, deviceModel.list(measurands), context, at: now.wallClock)
    }

    private mutating func scheduleSamples(_ index: Int) {
        let updated = deviceModel.integer(StandardVariables.txUpdatedInterval)
        let ended = deviceModel.integer(StandardVariables.txEndedInterval)
        evses[index].nextUpdatedSampleAt = updated > 0 ? now.uptime + .seconds(updated) : nil
        evses[index].nextEndedSampleAt = ended > 0 ? now.uptime + .seconds(ended) : nil
    }

    /// Ended meter data kept for the Ended event; beyond this many samples every other one is dropped, the
    /// first kept, as [E06.FR.12/13] allows when memory runs short.
    static let endedSampleLimit = 96

    /// TxUpdatedInterval: an Updated with TxUpdatedMeasurands [J02.FR.11]; TxEndedInterval: a sample kept for
    /// the Ended event.
    mutating func takeDueSamples() {
        for index in evses.indices where evses[index].transaction != nil {
            if let due = evses[index].nextUpdatedSampleAt, due <= now.uptime {
                let interval = deviceModel.integer(StandardVariables.txUpdatedInterval)
                evses[index].nextUpdatedSampleAt = interval > 0 ? due + .seconds(interval) : nil
                if let value = sample(index, StandardVariables.txUpdatedMeasurands, .samplePeriodic) {
                    queueEvent(index, .updated, TransactionCause(trigger: .meterValuePeriodic, stoppedReason: .local), meterValue: [value])
                }
            }
            if let due = evses[index].nextEndedSampleAt, due <= now.uptime {
                let interval = deviceModel.integer(StandardVariables.txEndedInterval)
                evses[index].nextEndedSampleAt = interval > 0 ? due + .seconds(interval) : nil
                if let value = sample(index, StandardVariables.txEndedMeasurands, .samplePeriodic) {
                    keepForEnded(index, value)
                }
            }
        }
    }

    /// Keeps a sample for the transaction's Ended event, persisted with it.
    mutating func keepForEnded(_ index: Int, _ value: MeterValue) {
        guard var transaction = evses[index].transaction else { return }
        transaction.endedMeterValues.append(value)
        if transaction.endedMeterValues.count > Self.endedSampleLimit {
            transaction.endedMeterValues = transaction.endedMeterValues.enumerated()
                .filter { $0.offset % 2 == 0 }.map(\.element)
        }
        evses[index].transaction = transaction
        persist(.transaction(transaction))
    }

    /// An authorization that waited EVConnectionTimeOut for the cable is given up; no transaction had begun,
    /// so the CSMS hears nothing [E03.FR.05 applies to a started one, which TxStartPoint Authorized makes].
    mutating func expireAuthorizations() {
        for index in evses.indices {
            guard let expiresAt = evses[index].pending?.expiresAt, expiresAt <= now.uptime else { continue }
            logger.info("EVSE \(evses[index].id): no EV connected within EVConnectionTimeOut; authorization given up")
            evses[index].pending = nil
        }
        for index in evses.indices {
            guard let deadline = evses[index].connectionDeadline, deadline <= now.uptime else { continue }
            evses[index].connectionDeadline = nil
            end(index, .evConnectTimeout)
        }
    }

    // MARK: - The meter

    /// Integrates every EVSE's power since the last input, before anything changes it.
    mutating func advanceMeters() {
        let elapsed = now.uptime - metersAdvancedAt
        metersAdvancedAt = now.uptime
        guard elapsed > .zero else { return }
        for index in evses.indices {
            evses[index].meter.integrate(powerW: evses[index].powerW, over: elapsed)
        }
    }

    /// Stores a higher ceiling for every simulated register that comes close to its own (`Meter`).
    mutating func raiseMeterCeilings() {
        for index in evses.indices {
            let powerW = evses[index].powerW
            guard evses[index].meter.ceilingDue(powerW: powerW) == .zero else { continue }
            evses[index].meter.raiseCeiling(powerW: powerW)
            persist(.evse(evses[index].record))
        }
    }

    /// The EVSEs' timers (samples, authorizations and EVs awaited, meter ceilings), without building a list:
    /// this runs after every input.
    func considerTransactionDeadlines(_ earliest: inout EarliestDeadline) {
        for evse in evses {
            earliest.consider(evse.nextUpdatedSampleAt)
            earliest.consider(evse.nextEndedSampleAt)
            earliest.consider(evse.pending?.expiresAt)
            earliest.consider(evse.connectionDeadline)
            earliest.consider(evse.meter.ceilingDue(powerW: evse.powerW).map { now.uptime + $0 })
        }
    }

    // MARK: - Delivery

    /// The CSMS answered the head of the queue: it leaves the queue and the store; a token it refuses ends the
    /// authorization or only the energy, as StopTxOnInvalidId says [E05]; the caller of a start learns.
    mutating func transactionEventAnswered(sequence: Int, _ response: TransactionEventResponse) {
        guard let event = transactionEvents.head, event.sequence == sequence else { return }
        transactionEvents.delivered(sequence: sequence)
        persist(.transactionEventRemoved(sequence))
        let transactionId = event.transactionId
        noteCost(of: transactionId, response, ended: event.request.eventType == .ended)
        if let info = response.idTokenInfo, let token = event.request.idToken {
            remember(info, for: token)
            if let index = evses.firstIndex(where: { $0.transaction?.id == transactionId }) {
                tokenVerdict(index, info.status)
            }
        }
        if let awaited = awaitingAnswer.removeValue(forKey: sequence) {
            let status = response.idTokenInfo?.status ?? .accepted
            if status == .accepted {
                replyStarted(awaited.reply, transactionId, confirmed: true)
            } else {
                emit(.reply(awaited.reply, .failed(.tokenRefused(status))))
            }
        }
        if !transactionEvents.contains(transaction: transactionId) {
            if let snapshot = transactionSnapshot(transactionId) { publish(.transaction(.delivered, snapshot)) }
            pruneRecentTransactions()
        }
    }

    private mutating func tokenVerdict(_ index: Int, _ status: AuthorizationStatus) {
        guard var transaction = evses[index].transaction else { return }
        transaction.tokenStatus = status
        evses[index].transaction = transaction
        persist(.transaction(transaction))
        guard status != .accepted, transaction.authorized else { return }
        if deviceModel.boolean(StandardVariables.stopTxOnInvalidId) {
            endAuthorization(index, .deauthorized)
        } else {
            transaction.suspendedByEVSE = true
            evses[index].transaction = transaction
            persist(.transaction(transaction))
        }
    }

    /// A transmission of the head failed to be processed: counted, and sent again after the wait, or dropped
    /// after MessageAttempts [E13]. A lost link is no failure: the event waits for the next connection.
    mutating func transactionEventFailed(sequence: Int, _ failure: CallFailure) {
        answerAwaitedStarts { $0 == sequence }
        guard failure != .linkLost else { return }
        let outcome = transactionEvents.failed(
            sequence: sequence, at: now.uptime,
            attempts: deviceModel.integer(StandardVariables.messageAttemptsTransactionEvent),
            interval: .seconds(deviceModel.integer(StandardVariables.messageAttemptIntervalTransactionEvent)))
        switch outcome {
        case .retry(let event)?:
            persist(.transactionEventQueued(event))
        case .discarded(let event)?:
            logger.error("TransactionEvent \(event.request.eventType.rawValue) seqNo \(event.request.seqNo) of \(event.transactionId) discarded after \(event.failedAttempts) attempts")
            persist(.transactionEventRemoved(sequence))
        case nil:
            break
        }
    }

    /// A start's caller waits for the CSMS's answer to the event that carries the token; offline it learns at
    /// once that the transaction runs and its events wait for delivery.
    private mutating func awaitTransactionAnswer(_ sequence: Int, index: Int, reply: ReplyID) {
        guard let transaction = evses[index].transaction else { return }
        if link == .connected && registration.isAccepted {
            awaitingAnswer[sequence] = AwaitedAnswer(
                reply: reply, transactionId: transaction.id, deadline: now.uptime + messageTimeout)
        } else {
            replyStarted(reply, transaction.id, confirmed: false)
        }
    }

    /// Callers whose event was not answered within MessageTimeout (it waits behind others, or its retry does)
    /// learn that the transaction runs and its events wait for delivery.
    mutating func answerOverdueStarts() {
        let overdue = awaitingAnswer.filter { $0.value.deadline <= now.uptime }.keys
        answerAwaitedStarts { overdue.contains($0) }
    }

    /// Answers the callers waiting for the events `picked` chooses (by queue sequence): 202, the events wait.
    mutating func answerAwaitedStarts(_ picked: (Int) -> Bool) {
        for sequence in awaitingAnswer.keys.sorted() where picked(sequence) {
            guard let awaited = awaitingAnswer.removeValue(forKey: sequence) else { continue }
            replyStarted(awaited.reply, awaited.transactionId, confirmed: false)
        }
    }

    /// 201 once the CSMS accepted the transaction's token, 202 while its events wait for delivery.
    private mutating func replyStarted(_ reply: ReplyID, _ transactionId: String, confirmed: Bool) {
        guard let snapshot = transactionSnapshot(transactionId) else {
            emit(.reply(reply, .failed(.unknownTransaction(transactionId))))
            return
        }
        emit(.reply(reply, .transactionStarted(snapshot, confirmed: confirmed)))
    }

    // MARK: - Restart

    /// A transaction still running in the store was cut by a power loss or a kill: it ends now, at the meter
    /// reading that survived [E06, as libocpp does at boot].
    mutating func endTransactionsCutByRestart() {
        for index in evses.indices where evses[index].transaction != nil {
            end(index, .powerLoss)
        }
    }

    // MARK: - Snapshots

    func transactionSnapshot(_ id: String) -> TransactionSnapshot? {
        let record = evses.lazy.compactMap(\.transaction).first { $0.id == id }
            ?? recentTransactions.last { $0.id == id }
        guard let record else { return nil }
        let energyWh = record.ended?.meterStopWh
            ?? evseIndex(record.evseId).map { evses[$0].meter.energyWh } ?? record.meterStartWh
        return TransactionSnapshot(
            record: record, energyWh: energyWh - record.meterStartWh,
            pendingDelivery: transactionEvents.contains(transaction: id),
            currency: deviceModel.text(StandardVariables.currency),
            shownCost: deviceModel.boolean(StandardVariables.costEnabled) ? record.totalCost : nil,
            shownMessage: shownMessage(for: record))
    }

    /// [I01–I03]: the CSMS's message for the driver; without one, once the transaction ended and no total
    /// cost came with the answer to its Ended event (offline, say), TotalCostFallbackMessage; before that,
    /// TariffFallbackMessage. None while tariffs are disabled, and an empty fallback shows nothing.
    private func shownMessage(for record: TransactionRecord) -> String? {
        guard deviceModel.boolean(StandardVariables.tariffEnabled) else { return nil }
        if let message = record.personalMessage { return message }
        let fallback = record.ended != nil && record.totalCostIsFinal != true
            ? StandardVariables.totalCostFallbackMessage : StandardVariables.tariffFallbackMessage
        let text = deviceModel.text(fallback)
        return text.isEmpty ? nil : text
    }

    /// Ongoing transactions first (by EVSE), then the ended ones, newest first.
    func transactionSnapshots(limit: Int) -> [TransactionSnapshot] {
        let ids = evses.compactMap(\.transaction?.id) + recentTransactions.reversed().map(\.id)
        return ids.prefix(limit).compactMap { transactionSnapshot($0) }
    }
}
