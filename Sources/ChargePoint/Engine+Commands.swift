import EngineSupport
import OCPP16

/// Commands from the local API and the hardware side (cable, meter).
extension ChargePointEngine {
    mutating func perform(_ command: Command, reply replyID: ReplyID) {
        switch command {
        case .station:
            reply(replyID, .station(stationSnapshot))
        case .connectors:
            reply(replyID, .connectors(connectors.indices.map { connectorSnapshot($0) }))
        case .connector(let id):
            withConnector(id, replyID) { engine, index in engine.reply(replyID, .connector(engine.connectorSnapshot(index))) }
        case .transactions(let limit):
            let newestFirst = transactions.keys.sorted(by: >).prefix(max(0, limit))
            reply(replyID, .transactions(newestFirst.compactMap { transactionSnapshot($0) }))
        case .transaction(let localId):
            if let snapshot = transactionSnapshot(localId) {
                reply(replyID, .transaction(snapshot))
            } else {
                fail(replyID, .unknownTransaction(localId))
            }
        case .authorize(let idTag):
            authorize(idTag, replyID)
        case .start(let id, let idTag):
            withConnector(id, replyID) { engine, index in engine.start(connectorIndex: index, idTag: idTag, replyID) }
        case .stop(let id, let reason):
            withConnector(id, replyID) { engine, index in engine.stop(connectorIndex: index, reason: reason, replyID) }
        case .plug(let id):
            withConnector(id, replyID) { engine, index in
                engine.plug(connectorIndex: index)
                engine.reply(replyID, .connector(engine.connectorSnapshot(index)))
            }
        case .unplug(let id):
            withConnector(id, replyID) { engine, index in
                engine.unplug(connectorIndex: index)
                engine.reply(replyID, .connector(engine.connectorSnapshot(index)))
            }
        case .setMeter(let id, let energyWh, let powerW):
            withConnector(id, replyID) { engine, index in
                engine.setMeter(connectorIndex: index, energyWh: energyWh, powerW: powerW, replyID)
            }
        case .fault(let id, let errorCode, let info):
            withConnector(id, replyID) { engine, index in
                engine.setFault(connectorIndex: index, errorCode: errorCode, info: info)
                engine.reply(replyID, .connector(engine.connectorSnapshot(index)))
            }
        case .changeAvailability(let id, let type):
            if let status = changeAvailability(connectorId: id, to: type) {
                reply(replyID, .availability(status))
            } else {
                fail(replyID, .unknownConnector(id))
            }
        case .localList:
            reply(replyID, .localList(localList))
        case .chargingProfiles:
            reply(replyID, .chargingProfiles(chargingProfiles.installed))
        case .compositeSchedule(let id, let duration, let unit):
            if let schedule = compositeSchedule(connectorId: id, duration: duration, unit: unit) {
                reply(replyID, .compositeSchedule(connectorId: id, start: now.wallClock, schedule))
            } else {
                fail(replyID, .unknownConnector(id))
            }
        case .fileTransfers:
            reply(
                replyID,
                .fileTransfers(
                    FileTransfersSnapshot(
                        firmwareStatus: firmwareStatusForTrigger, firmwareLocation: firmwareUpdate?.schedule.location,
                        diagnosticsStatus: diagnosticsStatusForTrigger, diagnosticsFileName: diagnosticsUpload?.fileName)))
        case .reservations:
            let anywhere = station.reservation.map { [PlacedReservation(connectorId: 0, reservation: $0)] } ?? []
            let placed = connectors.compactMap { connector in
                connector.reservation.map { PlacedReservation(connectorId: connector.id, reservation: $0) }
            }
            reply(replyID, .reservations(anywhere + placed))
        case .trigger(let message, let connectorId):
            reply(replyID, .triggered(trigger(message, connectorId: connectorId)))
        case .reset(let type):
            reset(type)
            reply(replyID, .resetAccepted)
        case .unlock(let id):
            withConnector(id, replyID) { engine, index in engine.reply(replyID, .unlock(engine.unlock(connectorId: id))) }
        case .configuration:
            reply(replyID, .configuration(configuration.entries))
        case .configurationKey(let name):
            if let key = ConfigurationKey(named: name) {
                reply(replyID, .configurationEntry(configuration.entry(key)))
            } else {
                fail(replyID, .configurationRefused(.unknownKey(name)))
            }
        case .changeConfiguration(let name, let value):
            do {
                if let key = try changeConfiguration(name, to: value) {
                    reply(replyID, .configurationEntry(configuration.entry(key)))
                } else {
                    reply(replyID, .configurationEntry(ConfigurationEntry(key: Self.authorizationKeyName, value: nil, readonly: false)))
                }
            } catch {
                fail(replyID, .configurationRefused(error))
            }
        case .securityEvents:
            reply(replyID, .securityEvents(securityLog))
        case .reportSecurityEvent(let type, let techInfo):
            reportHardwareSecurityEvent(type, techInfo: techInfo, reply: replyID)
        case .snapshot:
            reply(replyID, .snapshot(snapshot))
        }
    }

    /// A hardware fault makes the connector Faulted and ends its session ([CORE] §4.9: an inoperative
    /// connector charges no one); NoError ends the fault.
    private mutating func setFault(connectorIndex index: Int, errorCode: ChargePointErrorCode, info: CiString<50>?) {
        connectors[index].errorCode = errorCode
        connectors[index].errorInfo = errorCode == .noError ? nil : info
        if errorCode != .noError {
            connectors[index].reservation = nil
            if let localId = connectors[index].transactionLocalId {
                stopTransaction(localId: localId, reason: .other, idTag: nil)
            }
            if case .api(let replyID)? = connectors[index].pendingStart?.origin {
                fail(replyID, .connectorInoperative(connector: connectors[index].id, status: .faulted))
            }
            connectors[index].pendingStart = nil
        }
        persist(.saveConnector(connectors[index].record))
    }

    private mutating func withConnector(_ id: Int, _ replyID: ReplyID, _ body: (inout Self, Int) -> Void) {
        guard let index = connectors.firstIndex(where: { $0.id == id }) else {
            fail(replyID, .unknownConnector(id))
            return
        }
        body(&self, index)
    }

    /// The answer a script gets for an idTag: the CSMS's when it can be asked (unless LocalPreAuthorize
    /// lets a locally valid tag through), otherwise the local list's or the cache's when
    /// LocalAuthorizeOffline allows deciding offline.
    private mutating func authorize(_ idTag: IdToken, _ replyID: ReplyID) {
        if link == .connected && registration != .accepted {
            fail(replyID, .notRegistered(registration))
            return
        }
        let local = localAuthorization(idTag)
        if case .known(let info, let source) = local,
            isOnline ? info.status.isValid && configuration.bool(.localPreAuthorize) : configuration.bool(.localAuthorizeOffline)
        {
            reply(replyID, .authorization(idTag: idTag, info, source: source))
        } else if isOnline {
            enqueue(AuthorizeRequest(idTag: idTag), purpose: .authorize(.api(replyID, idTag)))
        } else {
            fail(replyID, .offline)
        }
    }

    /// A local start: plug in (the simulated cable) if needed, get the idTag authorized, then StartTransaction.
    private mutating func start(connectorIndex index: Int, idTag: IdToken, _ replyID: ReplyID) {
        let connector = connectors[index]
        guard !connector.isFaulted && connector.operative else {
            fail(replyID, .connectorInoperative(connector: connector.id, status: connector.status))
            return
        }
        guard !connector.isBusy else {
            fail(replyID, .connectorBusy(connector: connector.id, status: connector.status))
            return
        }
        if link == .connected && registration != .accepted {
            fail(replyID, .notRegistered(registration))
            return
        }
        // Only the parent of a reservation's idTag needs the authorization to be told apart.
        if let reservation = connector.reservation, reservation.parentIdTag == nil, !reservation.admits(idTag, parent: nil) {
            fail(replyID, .connectorReserved(connector: connector.id))
            return
        }
        // A start that cannot be authorized leaves the connector as it was.
        switch authorizationDecision(for: idTag) {
        case .refused(let status):
            fail(replyID, .refused(status))
        case .notAllowedOffline:
            fail(replyID, .offlineStartNotAllowed)
        case .authorized, .askCentralSystem:
            plug(connectorIndex: index)
            connectors[index].pendingStart = PendingStart(idTag: idTag, origin: .api(replyID), authorized: false, expiresAt: nil)
            authorizeStart(connectorIndex: index)
        }
    }

    /// Gets the pending start on this connector authorized: at once from local knowledge, or by asking the
    /// CSMS; the transaction begins as soon as the start is authorized and the cable is in.
    mutating func authorizeStart(connectorIndex index: Int) {
        guard let pending = connectors[index].pendingStart else { return }
        switch authorizationDecision(for: pending.idTag) {
        case .authorized(let parent):
            startAuthorized(connectorIndex: index, parent: parent)
        case .askCentralSystem:
            enqueue(AuthorizeRequest(idTag: pending.idTag), purpose: .authorize(.start(connector: connectors[index].id)))
        case .refused(let status):
            abandonStart(connectorIndex: index, .refused(status))
        case .notAllowedOffline:
            abandonStart(connectorIndex: index, .offlineStartNotAllowed)
        }
    }

    /// The start may proceed once reservations agree; the transaction begins when the cable is in.
    mutating func startAuthorized(connectorIndex index: Int, parent: IdToken?) {
        guard let pending = connectors[index].pendingStart else { return }
        guard reservationAdmits(pending.idTag, parent: parent, connectorIndex: index) else {
            abandonStart(connectorIndex: index, .connectorReserved(connector: connectors[index].id))
            return
        }
        connectors[index].pendingStart?.authorized = true
        connectors[index].pendingStart?.parentIdTag = parent
        if connectors[index].plugged { beginTransaction(connectorIndex: index) }
    }

    private mutating func abandonStart(connectorIndex index: Int, _ failure: CommandFailure) {
        guard let pending = connectors[index].pendingStart else { return }
        logger.info("start of \(pending.idTag) on connector \(connectors[index].id) abandoned: \(failure)")
        connectors[index].pendingStart = nil
        if case .api(let replyID) = pending.origin { fail(replyID, failure) }
    }

    private mutating func stop(connectorIndex index: Int, reason: Reason, _ replyID: ReplyID) {
        guard let localId = connectors[index].transactionLocalId else {
            fail(replyID, .noTransaction(connector: connectors[index].id))
            return
        }
        // A local stop is the driver presenting the same tag again, so StopTransaction names it.
        let idTag = reason == .local ? transactions[localId]?.idTag : nil
        if let sequence = stopTransaction(localId: localId, reason: reason, idTag: idTag) {
            awaitConfirmation(of: sequence, localId: localId, reply: replyID)
        }
    }

    mutating func plug(connectorIndex index: Int) {
        guard !connectors[index].plugged else { return }
        connectors[index].plugged = true
        connectors[index].finishing = false
        persist(.saveConnector(connectors[index].record))
        if connectors[index].pendingStart?.authorized == true { beginTransaction(connectorIndex: index) }
    }

    /// The EV side lets go of the cable ([CORE] §4.10: StopTransactionOnEVSideDisconnect). The transaction
    /// stops first, so the CSMS sees it end while charging rather than a passing SuspendedEV.
    private mutating func unplug(connectorIndex index: Int) {
        guard connectors[index].plugged else { return }
        if let localId = connectors[index].transactionLocalId, configuration.bool(.stopTransactionOnEVSideDisconnect) {
            stopTransaction(localId: localId, reason: .evDisconnected, idTag: nil)
        }
        connectors[index].plugged = false
        connectors[index].finishing = false
        persist(.saveConnector(connectors[index].record))
    }

    private mutating func setMeter(connectorIndex index: Int, energyWh: Double?, powerW: Double?, _ replyID: ReplyID) {
        if let energyWh {
            let current = connectors[index].meter.energyWh
            guard energyWh >= current.rounded(.down) else {
                fail(replyID, .meterWouldDecrease(currentWh: current, requestedWh: energyWh))
                return
            }
            connectors[index].meter.energyWh = max(energyWh, current)
            connectors[index].meter.ceilingWh = max(connectors[index].meter.ceilingWh, connectors[index].meter.energyWh)
            connectors[index].meter.external = true
        }
        if let powerW { connectors[index].meter.demandW = powerW }
        persist(.saveConnector(connectors[index].record))
        // The register jumped: observers cannot extrapolate that, so they are shown the reading.
        let connector = connectors[index]
        emit(.publish(.meter(connectorId: connector.id, energyWh: connector.meter.energyWh, powerW: connector.powerW, time: now.wallClock)))
        revision &+= 1
        reply(replyID, .connector(connectorSnapshot(index)))
    }

    // MARK: - Authorization answers

    mutating func authorizationArrived(_ info: IdTagInfo, for origin: AuthorizeOrigin) {
        switch origin {
        case .api(let replyID, let idTag):
            remember(idTag, info)
            reply(replyID, .authorization(idTag: idTag, info, source: .centralSystem))
        case .start(let connectorId):
            guard let index = connectors.firstIndex(where: { $0.id == connectorId }),
                let pending = connectors[index].pendingStart
            else { return }
            remember(pending.idTag, info)
            if info.status == .accepted {
                startAuthorized(connectorIndex: index, parent: info.parentIdTag)
            } else {
                abandonStart(connectorIndex: index, .refused(info.status))
            }
        }
    }

    mutating func authorizationFailed(_ failure: CallFailure, for origin: AuthorizeOrigin) {
        switch origin {
        case .api(let replyID, _):
            fail(replyID, failure.commandFailure)
        case .start(let connectorId):
            if let index = connectors.firstIndex(where: { $0.id == connectorId }) {
                abandonStart(connectorIndex: index, failure.commandFailure)
            }
        }
    }

    // MARK: - Snapshots

    public var snapshot: EngineSnapshot {
        // Each ongoing transaction is its connector's (resumeTransactionsAfterRestart keeps that so): no scan
        // of the records, which an offline backlog makes many, for a snapshot taken after every delivery.
        // Closures rather than the methods themselves: a method passed as a value copied the whole engine.
        let ongoing = connectors.compactMap(\.transactionLocalId).sorted()
        return EngineSnapshot(
            station: stationSnapshot, connectors: connectors.indices.map { connectorSnapshot($0) },
            transactions: ongoing.compactMap { transactionSnapshot($0) }, configurationValues: configuration,
            takenAt: now.uptime)
    }

    var stationSnapshot: StationSnapshot {
        StationSnapshot(
            identity: settings.identity, link: link, registration: registration,
            heartbeatInterval: configuration.integer(.heartbeatInterval), uptime: now.uptime - startedAt,
            firmwareVersion: settings.bootNotification.firmwareVersion?.value, connectorCount: connectors.count,
            queuedMessages: transactionQueue.count)
    }

    func connectorSnapshot(_ index: Int) -> ConnectorSnapshot {
        let connector = connectors[index]
        return ConnectorSnapshot(
            id: connector.id, status: connector.status, errorCode: connector.errorCode, plugged: connector.plugged,
            energyWh: connector.meter.energyWh, powerW: connector.powerW, limitW: connector.limitW,
            transaction: connector.transactionLocalId.flatMap { transactionSnapshot($0) },
            simulatedPowerW: connector.meter.external ? 0 : connector.powerW, energyCeilingWh: connector.meter.ceilingWh,
            awaitingCable: !connector.plugged && connector.pendingStart?.authorized == true)
    }
}
