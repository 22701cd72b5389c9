import EngineSupport
import OCPP16
import SmartCharging

/// Transactions and their messages: begin and stop, the persistent FIFO queue, confirmation, retries
/// ([CORE] §3.7, §4.7–4.10; [ERR] 3.17, 3.18, 3.54).
extension ChargePointEngine {
    static let stopTransactionDataLimit = 20

    mutating func beginTransaction(connectorIndex index: Int) {
        guard let pending = connectors[index].pendingStart else { return }
        let connectorId = connectors[index].id
        let localId = nextLocalTransactionId
        nextLocalTransactionId += 1
        let meterStart = wattHours(connectors[index].meter.energyWh)
        var record = TransactionRecord(
            localId: localId, connectorId: connectorId, idTag: pending.idTag, meterStart: meterStart,
            startedAt: now.wallClock)
        let stopData = configuration.measurands(.stopTxnSampledData)
        if !stopData.isEmpty {
            record.stopTransactionData = [meterValue(connectorIndex: index, stopData, context: .transactionBegin)]
        }
        transactions[localId] = record
        persist(.saveTransaction(record))
        let reservation = reservationUsed(by: pending.idTag, parent: pending.parentIdTag, connectorIndex: index)
        if let reservation { endReservation(id: reservation.id) }
        let start = StartTransactionRequest(
            connectorId: connectorId, idTag: pending.idTag, meterStart: meterStart, reservationId: reservation?.id,
            timestamp: now.wallClock)
        let sequence = enqueueTransactionMessage(.start(start), localId: localId)
        connectors[index].pendingStart = nil
        connectors[index].transactionLocalId = localId
        if let profile = pending.chargingProfile,
            case .accepted = chargingProfiles.installForNewTransaction(profile, on: connectorId, context: installContext)
        {
            persist(.saveChargingProfiles(chargingProfiles))
        }
        connectors[index].finishing = false
        connectors[index].suspendedByEVSE = false
        persist(.saveConnector(connectors[index].record))
        scheduleSample(connectorIndex: index)
        logger.info("transaction \(localId) started on connector \(connectorId) for \(pending.idTag), meter \(meterStart) Wh")
        publishTransaction(.started, localId: localId)
        if case .api(let reply) = pending.origin { awaitConfirmation(of: sequence, localId: localId, reply: reply) }
    }

    /// Stops a running transaction and queues its StopTransaction; returns that message's sequence.
    @discardableResult
    mutating func stopTransaction(localId: Int, reason: Reason, idTag: IdToken?) -> Int? {
        guard var record = transactions[localId], record.isActive,
            let index = connectors.firstIndex(where: { $0.id == record.connectorId })
        else { return nil }
        let meterStop = max(wattHours(connectors[index].meter.energyWh), record.meterStart)
        record.meterStop = meterStop
        record.stoppedAt = now.wallClock
        record.stopReason = reason
        var transactionData: [MeterValue]?
        let stopData = configuration.measurands(.stopTxnSampledData)
        if !stopData.isEmpty {
            record.stopTransactionData.append(meterValue(connectorIndex: index, stopData, context: .transactionEnd))
        }
        if !record.stopTransactionData.isEmpty { transactionData = record.stopTransactionData }
        transactions[localId] = record
        persist(.saveTransaction(record))
        let sequence = enqueueTransactionMessage(
            .stop(idTag: idTag, meterStop: meterStop, timestamp: now.wallClock, reason: reason,
                  transactionData: transactionData),
            localId: localId)
        if connectors[index].transactionLocalId == localId {
            connectors[index].transactionLocalId = nil
            connectors[index].nextSampleAt = nil
            connectors[index].suspendedByEVSE = false
            connectors[index].energyCapWh = nil
            let profileCount = chargingProfiles.installed.count
            chargingProfiles.transactionEnded(connectorId: connectors[index].id)
            if chargingProfiles.installed.count != profileCount { persist(.saveChargingProfiles(chargingProfiles)) }
            connectors[index].finishing = connectors[index].plugged
            if let scheduled = connectors[index].scheduledAvailability {
                setAvailability(scheduled, connectorIndex: index)
            }
        }
        persist(.saveConnector(connectors[index].record))
        logger.info("transaction \(localId) stopped (\(reason.rawValue)), meter \(meterStop) Wh")
        publishTransaction(.stopped, localId: localId)
        pruneFinishedTransactions()
        return sequence
    }

    /// Makes the API caller wait for the CSMS's confirmation while it can come; offline, the answer is
    /// immediate and says the message waits for delivery.
    mutating func awaitConfirmation(of sequence: Int, localId: Int, reply: ReplyID) {
        if isOnline {
            awaitingConfirmation[sequence] = AwaitedConfirmation(
                reply: reply, localId: localId, deadline: now.uptime + messageTimeout)
        } else if let snapshot = transactionSnapshot(localId) {
            self.reply(reply, .transaction(snapshot))
        }
    }

    mutating func answerAwaited(sequence: Int) {
        guard let awaited = awaitingConfirmation.removeValue(forKey: sequence),
            let snapshot = transactionSnapshot(awaited.localId)
        else { return }
        reply(awaited.reply, .transaction(snapshot))
    }

    // MARK: - Delivery results

    mutating func transactionMessageConfirmed(sequence: Int, payload: JSONValue) throws(PayloadError) {
        guard let message = transactionQueue[sequence] else { return }
        let localId = message.transactionLocalId
        switch message.message {
        case .start:
            let response = try StrictJSON.decode(StartTransactionResponse.self, from: payload)
            dequeue(sequence)
            if var record = transactions[localId] {
                record.transactionId = response.transactionId
                record.startAuthorization = response.idTagInfo.status
                transactions[localId] = record
                persist(.saveTransaction(record))
                remember(record.idTag, response.idTagInfo)
            }
            logger.info("transaction \(localId) is CSMS transaction \(response.transactionId) (\(response.idTagInfo.status.rawValue))")
            publishTransaction(.confirmed, localId: localId)
            if response.idTagInfo.status != .accepted {
                if let awaited = awaitingConfirmation.removeValue(forKey: sequence) {
                    fail(awaited.reply, .refused(response.idTagInfo.status))
                }
                transactionDeauthorized(localId: localId)
            }
        case .meterValues, .securityEvent:
            dequeue(sequence)
        case .stop(let idTag, _, _, _, _):
            let response = try StrictJSON.decode(StopTransactionResponse.self, from: payload)
            dequeue(sequence)
            if let idTag, let info = response.idTagInfo { remember(idTag, info) }
            publishTransaction(.delivered, localId: localId)
        }
        answerAwaited(sequence: sequence)
    }

    /// A failure to process counts as an attempt; a lost link does not ([CORE] §3.7: never drop a
    /// message because the charge point is offline). Retry n waits n × TransactionMessageRetryInterval.
    mutating func transactionMessageFailed(sequence: Int, _ failure: CallFailure) {
        guard failure != .linkLost, var message = transactionQueue[sequence] else { return }
        if case .securityEvent(let request) = message.message, case .callError(let code, let description) = failure {
            // A CSMS without the security extension (CitrineOS 1.8 answers InternalError): the event stays
            // in the security log; retrying would only block the queue.
            logger.warning(
                "the central system refused SecurityEventNotification \(request.type.value) (\(code): \(description)); it stays in the security log only")
            dequeue(sequence)
            return
        }
        message.failedAttempts += 1
        let allowed = configuration.integer(.transactionMessageAttempts)
        if message.failedAttempts >= allowed {
            logger.error("gave up on \(message.message.action.rawValue) of transaction \(message.transactionLocalId) after \(allowed) attempts")
            if case .start = message.message, var record = transactions[message.transactionLocalId] {
                record.transactionId = -1
                transactions[record.localId] = record
                persist(.saveTransaction(record))
            }
            dequeue(sequence)
            if let awaited = awaitingConfirmation.removeValue(forKey: sequence) {
                fail(awaited.reply, failure.commandFailure)
            }
        } else {
            transactionQueue.update(message)
            persist(.updateQueued(message))
            let interval = configuration.integer(.transactionMessageRetryInterval) * message.failedAttempts
            retryNotBefore = now.uptime + .seconds(interval)
            answerAwaited(sequence: sequence)
        }
    }

    private mutating func dequeue(_ sequence: Int) {
        transactionQueue.remove(sequence)
        retryNotBefore = nil
        persist(.dequeue(sequence: sequence))
    }

    /// StartTransaction.conf refused the idTag while the transaction runs ([CORE] §3.7, [ERR] 3.18).
    private mutating func transactionDeauthorized(localId: Int) {
        guard transactions[localId]?.isActive == true else { return }
        if configuration.bool(.stopTransactionOnInvalidId) {
            stopTransaction(localId: localId, reason: .deAuthorized, idTag: nil)
        } else if let index = connectors.firstIndex(where: { $0.transactionLocalId == localId }),
            let meterStart = transactions[localId]?.meterStart
        {
            // MaxEnergyOnInvalidId counts from the start of the transaction.
            connectors[index].energyCapWh = Double(meterStart + configuration.integer(.maxEnergyOnInvalidId))
            enforceEnergyCaps()
        }
    }

    /// Suspends the connectors whose energy cap has been reached.
    mutating func enforceEnergyCaps() {
        for index in connectors.indices {
            guard let cap = connectors[index].energyCapWh, connectors[index].meter.energyWh >= cap else { continue }
            connectors[index].energyCapWh = nil
            connectors[index].suspendedByEVSE = true
            logger.info("connector \(connectors[index].id) suspended: MaxEnergyOnInvalidId reached")
        }
    }

    /// When the connector's energy cap will be reached at the present power, on the uptime clock.
    func energyCapReached(on connector: Connector) -> Duration? {
        guard let cap = connector.energyCapWh, connector.powerW > 0 else { return nil }
        let seconds = max(0, cap - connector.meter.energyWh) * 3600 / connector.powerW
        return now.uptime + .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    // MARK: - Restart

    /// After a crash or restart a transaction goes on if its cable is still in; otherwise it ended while
    /// the charge point was down, and is stopped with PowerLoss at the last known meter value.
    mutating func resumeTransactionsAfterRestart() {
        for record in transactions.values.filter(\.isActive).sorted(by: { $0.localId < $1.localId }) {
            guard let index = connectors.firstIndex(where: { $0.id == record.connectorId }) else { continue }
            if connectors[index].plugged && connectors[index].transactionLocalId == nil {
                connectors[index].transactionLocalId = record.localId
                scheduleSample(connectorIndex: index)
                logger.info("transaction \(record.localId) resumed on connector \(record.connectorId)")
            } else {
                stopTransaction(localId: record.localId, reason: .powerLoss, idTag: nil)
            }
        }
    }

    private mutating func pruneFinishedTransactions() {
        let finished = transactions.values.filter { !$0.isActive }.map(\.localId).sorted()
        for localId in finished.dropLast(Self.recentTransactionsKept) where !transactionQueue.hasUndelivered(transaction: localId) {
            transactions[localId] = nil
            persist(.deleteTransaction(localId: localId))
        }
    }

    // MARK: - Snapshots

    func transactionSnapshot(_ localId: Int) -> TransactionSnapshot? {
        guard let record = transactions[localId] else { return nil }
        let meterNow: Double =
            if let meterStop = record.meterStop { Double(meterStop) } else {
                connectors.first { $0.id == record.connectorId }?.meter.energyWh ?? Double(record.meterStart)
            }
        return TransactionSnapshot(
            record: record, energyWh: max(0, meterNow - Double(record.meterStart)),
            pendingDelivery: transactionQueue.hasUndelivered(transaction: localId))
    }
}

/// Whole watt-hours for the wire ([CORE]: meterStart/meterStop are integers in Wh), clamped so that an
/// absurd register value can never trap.
func wattHours(_ energy: Double) -> Int {
    guard energy.isFinite else { return 0 }
    return Int(max(0, min(energy.rounded(.down), 9e15)))
}
