import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional block E (transactions) with the remote control of F and the scheduling of B and G that
/// depends on it, with a fake clock: start and stop points, seqNo, trigger reasons, the persistent queue and
/// its retries, restarts.
@Suite struct TransactionTests {
    static let tag = IdToken(idToken: "TAG1", type: .iso14443)

    /// Booted and Accepted; no periodic Updated unless a test asks for them.
    static func registered(evses: Int = 1, overrides: [(key: String, value: String)] = []) -> Harness {
        var harness = Harness(evses: evses, overrides: [("SampledDataCtrlr.TxUpdatedInterval", "0")] + overrides)
        harness.boot()
        harness.answerAllAccepting()
        return harness
    }

    static func events(_ harness: Harness) -> [SentCall] { harness.calls("TransactionEvent") }

    /// The cache holds `tag` as Accepted, so that it starts offline (LocalAuthorizeOffline).
    static func cacheAccepted(_ harness: inout Harness) {
        harness.engine.authorizationCache = AuthorizationCache(capacity: 10, restoring: [
            AuthorizationCacheEntry(idToken: tag, info: IdTokenInfo(status: .accepted), updatedAt: Timestamp(millisecondsSince1970: harness.wallClock))])
    }

    static func summary(_ call: SentCall) -> String {
        let info = call["transactionInfo"]
        let seqNo: String? = if case .integer(let number)? = call["seqNo"] { String(number) } else { nil }
        return [
            call["eventType"]?.string, call["triggerReason"]?.string, seqNo,
            info?["chargingState"]?.string, info?["stoppedReason"]?.string,
        ].map { $0 ?? "-" }.joined(separator: " ")
    }

    static func summaries(_ harness: Harness) -> [String] { events(harness).map(summary) }

    @Test func transactionIdsAreVersion4UUIDsFromTheSeed() {
        var first = TransactionIdGenerator(seed: 7)
        var again = TransactionIdGenerator(seed: 7)
        let id = first.next()
        #expect(id == again.next())
        #expect(id != first.next())
        #expect(id.count == 36)
        let groups = id.split(separator: "-").map(\.count)
        #expect(groups == [8, 4, 4, 4, 12])
        #expect(id.dropFirst(14).first == "4")
        #expect("89ab".contains(id.dropFirst(19).first!))
    }

    @Test func TC_E_01_CS_and_TC_E_03_CS_cableFirstThenTokenStartsWithAuthorizedThenChargingStateChanged() {
        var harness = Self.registered()
        let reply = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let status = harness.calls("StatusNotification").last
        #expect(status?["connectorStatus"]?.string == "Occupied")
        let sent = harness.sentCalls.map(\.action)
        #expect(sent.firstIndex(of: "StatusNotification")! < sent.firstIndex(of: "TransactionEvent")!)
        #expect(harness.calls("Authorize").count == 1)
        #expect(Self.summaries(harness) == ["Started Authorized 0 EVConnected -", "Updated ChargingStateChanged 1 Charging -"])
        let started = Self.events(harness)[0]
        #expect(started["evse"] == .object(["id": .integer(1), "connectorId": .integer(1)]))
        #expect(started["idToken"]?["idToken"]?.string == "TAG1")
        #expect(started["offline"] == nil)
        #expect(started["meterValue"]?[0]?["sampledValue"]?[0]?["context"]?.string == "Transaction.Begin")
        // The Updated carries neither the EVSE nor the token again [E01.FR.16, E03.FR.01].
        #expect(Self.events(harness)[1]["evse"] == nil && Self.events(harness)[1]["idToken"] == nil)
        guard case .transactionStarted(let snapshot, confirmed: true)? = harness.reply(to: reply) else {
            Issue.record("the start was not confirmed: \(String(describing: harness.reply(to: reply)))")
            return
        }
        #expect(snapshot.record.idToken == Self.tag)
        #expect(started["transactionInfo"]?["transactionId"]?.string == snapshot.record.id)
    }

    @Test func theStartsCallerWaitsForTheCSMSsAnswerToTheEventThatCarriesTheToken() {
        var harness = Self.registered()
        let reply = harness.start(.start(evseId: 1, Self.tag))
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        #expect(harness.reply(to: reply) == nil)
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Accepted"}}"#)
        guard case .transactionStarted(_, confirmed: true)? = harness.reply(to: reply) else {
            Issue.record("no 201 after the answer")
            return
        }
    }

    @Test func withTxStartPointEVConnectedATokenStillAskedOfTheCSMSAuthorizesTheTransactionThePlugStarted() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStartPoint", "EVConnected"), ("AuthCtrlr.AuthorizeRemoteStart", "true")])
        harness.call("RequestStartTransaction", #"{"evseId":1,"remoteStartId":7,"idToken":{"idToken":"TAG1","type":"ISO14443"}}"#)
        #expect(harness.outstanding?.action == "Authorize")
        _ = harness.command(.plug(evseId: 1))
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Accepted"}}"#)
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).prefix(2) == ["Started CablePluggedIn 0 EVConnected -", "Updated RemoteStart 1 Charging -"])
        #expect(Self.events(harness)[1]["transactionInfo"]?["remoteStartId"] == .integer(7))
    }

    @Test func aFaultedEVSEStartsNoTransactionOnThePlug() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStartPoint", "EVConnected")])
        _ = harness.command(.fault(evseId: 1, "OtherError"))
        _ = harness.command(.plug(evseId: 1))
        harness.answerAllAccepting()
        #expect(Self.events(harness).isEmpty)
    }

    @Test func aStartWhoseEventWaitsBehindOthersIsAnsweredAfterMessageTimeoutOrWhenTheLinkDrops() {
        var harness = Self.registered(evses: 2)
        _ = harness.start(.start(evseId: 1, Self.tag))
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        // EVSE 1's Started is in flight and unanswered; EVSE 2's waits behind it.
        let second = harness.start(.start(evseId: 2, Self.tag))
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        #expect(harness.reply(to: second) == nil)
        harness.advance(by: .seconds(30))
        guard case .transactionStarted(let snapshot, confirmed: false)? = harness.reply(to: second) else {
            Issue.record("no 202 after MessageTimeout: \(String(describing: harness.reply(to: second)))")
            return
        }
        #expect(snapshot.record.evseId == 2 && snapshot.pendingDelivery)

        var dropped = Self.registered(evses: 2)
        _ = dropped.start(.start(evseId: 1, Self.tag))
        while let call = dropped.outstanding, call.action != "TransactionEvent" { dropped.answerAccepting(call) }
        let waiting = dropped.start(.start(evseId: 2, Self.tag))
        while let call = dropped.outstanding, call.action != "TransactionEvent" { dropped.answerAccepting(call) }
        dropped.handle(.linkDown(reason: "test"))
        guard case .transactionStarted(_, confirmed: false)? = dropped.reply(to: waiting) else {
            Issue.record("the link dropped and the caller still waits")
            return
        }
    }

    @Test func TC_E_09_CS_withTxStartPointEVConnectedThePlugStartsAndTheTokenAuthorizesInAnUpdated() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStartPoint", "EVConnected")])
        _ = harness.command(.plug(evseId: 1))
        harness.answerAllAccepting()
        #expect(Self.summaries(harness) == ["Started CablePluggedIn 0 EVConnected -"])
        #expect(Self.events(harness)[0]["idToken"] == nil)
        #expect(harness.engine.connectorSnapshots[0].powerW == 0)
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        // The authorization closes the power path: the EV draws at once.
        #expect(Self.summaries(harness).dropFirst() == ["Updated Authorized 1 Charging -"])
        #expect(Self.events(harness)[1]["idToken"]?["idToken"]?.string == "TAG1")
    }

    @Test func TC_E_14_CS_unplugEndsWithEVCommunicationLostAndTheSeqNoHasNoGaps() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.advance(by: .seconds(360))
        _ = harness.command(.unplug(evseId: 1))
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended EVCommunicationLost 2 Idle EVDisconnected")
        #expect(Self.events(harness).map { $0["seqNo"] } == [.integer(0), .integer(1), .integer(2)])
        let ended = Self.events(harness).last!
        let readings = ended["meterValue"]
        #expect(readings?[0]?["sampledValue"]?[0]?["context"]?.string == "Transaction.Begin")
        // 11 kW for 360 s.
        #expect(readings?[1]?["sampledValue"]?[0]?["value"]?.number == 1100)
        #expect(readings?[1]?["sampledValue"]?[0]?["context"]?.string == "Transaction.End")
        #expect(harness.calls("StatusNotification").last?["connectorStatus"]?.string == "Available")
    }

    @Test func TC_E_07_CS_theDriversStopEndsWithStopAuthorizedAndTheToken() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        guard case .transaction(let snapshot)? = harness.command(.stop(evseId: 1, reason: .local)) else {
            Issue.record("no transaction answered the stop")
            return
        }
        #expect(snapshot.record.ended?.reason == .local)
        harness.answerAllAccepting()
        let ended = Self.events(harness).last!
        #expect(Self.summary(ended) == "Ended StopAuthorized 2 EVConnected Local")
        #expect(ended["idToken"]?["idToken"]?.string == "TAG1")
        // The cable is still in: Occupied until it comes out.
        #expect(harness.engine.connectorSnapshots[0].status == .occupied)
    }

    @Test func withTxStopPointEVConnectedAStopOnlyStopsTheEnergyAndTheUnplugEnds() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStopPoint", "EVConnected")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        _ = harness.command(.stop(evseId: 1, reason: .local))
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Updated StopAuthorized 2 EVConnected -")
        #expect(harness.engine.connectorSnapshots[0].powerW == 0)
        _ = harness.command(.unplug(evseId: 1))
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended EVCommunicationLost 3 Idle EVDisconnected")
    }

    @Test func TC_E_22_CS_withTxStopPointEnergyTransferTheEVStoppingToDrawEndsTheTransaction() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStopPoint", "EnergyTransfer")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 0))
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended ChargingStateChanged 2 EVConnected StoppedByEV")
    }

    @Test func TC_E_02_CS_withTxStartPointEnergyTransferTheTransactionBeginsWhenTheEVDraws() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStartPoint", "EnergyTransfer")])
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 0))
        let reply = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        guard case .connector(let connector)? = harness.reply(to: reply) else {
            Issue.record("an authorized start that waits for energy answers with the connector")
            return
        }
        #expect(connector.transaction == nil)
        #expect(Self.events(harness).isEmpty)
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 7000))
        harness.answerAllAccepting()
        // Energy flowing started it: the Started says Charging, and no Updated repeats it.
        #expect(Self.summaries(harness) == ["Started ChargingStateChanged 0 Charging -"])
    }

    @Test func TC_E_13_CS_and_TC_F_04_CS_withTxStartPointAuthorizedTheTokenStartsAndNoEVWithinEVConnectionTimeOutEnds() {
        var harness = Self.registered(overrides: [("TxCtrlr.TxStartPoint", "Authorized"), ("TxCtrlr.EVConnectionTimeOut", "30")])
        harness.call("RequestStartTransaction", #"{"evseId":1,"remoteStartId":5,"idToken":{"idToken":"TAG1","type":"ISO14443"}}"#)
        harness.answerAllAccepting()
        #expect(Self.summaries(harness) == ["Started RemoteStart 0 Idle -"])
        #expect(Self.events(harness)[0]["transactionInfo"]?["remoteStartId"] == .integer(5))
        harness.advance(by: .seconds(29))
        #expect(Self.events(harness).count == 1)
        harness.advance(by: .seconds(1))
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended EVConnectTimeout 1 - Timeout")
    }

    @Test func TC_F_03_CS_and_TC_F_08_CS_aRemoteStartWithoutCableWaitsForThePlugAndKeepsItsTrigger() {
        var harness = Self.registered()
        let id = harness.call("RequestStartTransaction", #"{"evseId":1,"remoteStartId":42,"idToken":{"idToken":"TAG1","type":"ISO14443"}}"#)
        #expect(harness.result(answering: id) == .object(["status": .string("Accepted")]))
        harness.answerAllAccepting()
        #expect(Self.events(harness).isEmpty)
        _ = harness.command(.plug(evseId: 1))
        harness.answerAllAccepting()
        let started = Self.events(harness)[0]
        #expect(Self.summary(started) == "Started RemoteStart 0 EVConnected -")
        #expect(started["transactionInfo"]?["remoteStartId"] == .integer(42))
        #expect(started["idToken"]?["idToken"]?.string == "TAG1")
        // F03: the CSMS stops it.
        let transactionId = started["transactionInfo"]?["transactionId"]?.string ?? ""
        let stop = harness.call("RequestStopTransaction", #"{"transactionId":"\#(transactionId)"}"#)
        #expect(harness.result(answering: stop)?["status"]?.string == "Accepted")
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended RemoteStop 2 EVConnected Remote")
        #expect(Self.events(harness).last?["idToken"] == nil)
        let unknown = harness.call("RequestStopTransaction", #"{"transactionId":"\#(transactionId)"}"#)
        #expect(harness.result(answering: unknown)?["status"]?.string == "Rejected")
    }

    @Test func aRemoteStartIsRejectedWithoutAnEVSEOrOnABusyOne() {
        var harness = Self.registered()
        let noEVSE = harness.call("RequestStartTransaction", #"{"remoteStartId":1,"idToken":{"idToken":"TAG1","type":"ISO14443"}}"#)
        #expect(harness.result(answering: noEVSE)?["status"]?.string == "Rejected")
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let busy = harness.call("RequestStartTransaction", #"{"evseId":1,"remoteStartId":2,"idToken":{"idToken":"TAG2","type":"ISO14443"}}"#)
        #expect(harness.result(answering: busy)?["status"]?.string == "Rejected")
    }

    @Test func withAuthorizeRemoteStartTheTokenIsAuthorizedFirst() {
        var harness = Self.registered(overrides: [("AuthCtrlr.AuthorizeRemoteStart", "true")])
        _ = harness.command(.plug(evseId: 1))
        harness.answerAllAccepting()
        harness.call("RequestStartTransaction", #"{"evseId":1,"remoteStartId":3,"idToken":{"idToken":"TAG1","type":"ISO14443"}}"#)
        #expect(harness.outstanding?.action == "Authorize")
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Blocked"}}"#)
        harness.answerAllAccepting()
        #expect(Self.events(harness).isEmpty)
    }

    @Test func TC_E_40_CS_and_TC_E_43_CS_eventsOfAnOutageAreFlaggedOfflineAndDeliveredInOrderAfterTheReconnect() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.handle(.linkDown(reason: "test"))
        _ = harness.command(.unplug(evseId: 1))
        let reply = harness.start(.start(evseId: 1, Self.tag))
        #expect(harness.engine.stationSnapshot.queuedMessages == 3)
        guard case .transactionStarted(_, confirmed: false)? = harness.reply(to: reply) else {
            Issue.record("an offline start is answered at once as waiting for delivery")
            return
        }
        let before = Self.events(harness).count
        harness.handle(.linkUp)
        harness.answerAllAccepting()
        let delivered = Self.events(harness).dropFirst(before)
        #expect(delivered.map(Self.summary) == [
            "Ended EVCommunicationLost 2 Idle EVDisconnected", "Started Authorized 0 EVConnected -",
            "Updated ChargingStateChanged 1 Charging -",
        ])
        #expect(delivered.allSatisfy { $0["offline"] == .bool(true) })
        #expect(delivered[delivered.startIndex + 1]["transactionInfo"]?["transactionId"]
            != delivered[delivered.startIndex]["transactionInfo"]?["transactionId"])
        #expect(harness.engine.stationSnapshot.queuedMessages == 0)
    }

    @Test func TC_E_50_CS_aFailedEventIsResentAfterTheIntervalTimesTheAttemptsThenDiscarded() {
        var harness = Self.registered(overrides: [
            ("OCPPCommCtrlr.MessageAttempts[TransactionEvent]", "3"),
            ("OCPPCommCtrlr.MessageAttemptInterval[TransactionEvent]", "10"),
        ])
        _ = harness.start(.start(evseId: 1, Self.tag))
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        func fail(_ harness: inout Harness) {
            let id = harness.outstanding!.messageId
            harness.handle(.received(#"[4,"\#(id)","InternalError","test",{}]"#))
        }
        fail(&harness)
        #expect(harness.outstanding == nil)
        #expect(harness.engine.transactionEvents.retryAt == harness.uptime + .seconds(10))
        harness.advance(by: .seconds(9))
        #expect(harness.outstanding == nil)
        harness.advance(by: .seconds(1))
        #expect(harness.outstanding?.action == "TransactionEvent")
        #expect(harness.outstanding?["seqNo"] == .integer(0))
        fail(&harness)
        #expect(harness.engine.transactionEvents.retryAt == harness.uptime + .seconds(20))
        harness.advance(by: .seconds(20))
        fail(&harness)
        // Three transmissions: discarded, and the next event goes.
        #expect(Self.events(harness).count == 4)
        #expect(Self.events(harness).prefix(3).allSatisfy { $0["seqNo"] == .integer(0) })
        #expect(harness.outstanding.map(Self.summary) == "Updated ChargingStateChanged 1 Charging -")
        #expect(harness.persisted.contains(.transactionEventRemoved(1)))
    }

    @Test func aLostLinkIsNoFailedAttemptTheEventGoesAgainOnTheNextConnection() {
        var harness = Self.registered(overrides: [("OCPPCommCtrlr.MessageAttempts[TransactionEvent]", "1")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        harness.handle(.linkDown(reason: "test"))
        harness.handle(.linkUp)
        #expect(harness.outstanding.map(Self.summary) == "Started Authorized 0 EVConnected -")
    }

    @Test func aRestartEndsTheCutTransactionWithPowerLossContinuingItsSeqNo() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.handle(.linkDown(reason: "test"))
        harness.advance(by: .seconds(36))
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 5000))
        let persisted = PersistedState.replaying(harness.persisted)
        #expect(persisted.transactionEvents.isEmpty)
        var restarted = Harness(evses: 1, persisted: persisted)
        restarted.boot()
        restarted.answerAllAccepting()
        let ended = Self.events(restarted).last!
        #expect(Self.summary(ended) == "Ended AbnormalCondition 2 EVConnected PowerLoss")
        #expect(ended["offline"] == .bool(true))
        // 11 kW for 36 s, with the stored ceiling up to 5 s ahead: the register resumes no lower than it showed.
        let final = ended["meterValue"]?[1]?["sampledValue"]?[0]?["value"]?.number ?? 0
        #expect(final >= 110 && final <= 110 + 11_000 * 5 / 3600)
        #expect(restarted.engine.connectorSnapshots[0].plugged)
    }

    @Test func endedTransactionsBeyondTheLastFiftyGoOnceTheirEventsAreDelivered() {
        var harness = Self.registered()
        func session() {
            _ = harness.start(.start(evseId: 1, Self.tag))
            harness.answerAllAccepting()
            _ = harness.command(.stop(evseId: 1, reason: .local))
            _ = harness.command(.unplug(evseId: 1))
            harness.answerAllAccepting()
        }
        session()   // delivered, and the token cached for the sessions offline
        let delivered = harness.engine.recentTransactions.map(\.id)
        harness.handle(.linkDown(reason: "test"))
        for _ in 0..<55 { session() }
        let offline = harness.engine.recentTransactions.map(\.id).filter { !delivered.contains($0) }
        #expect(offline.count == 55)
        #expect(harness.engine.recentTransactions.map(\.id) == offline, "the delivered one went, none that waits")
        harness.handle(.linkUp)
        harness.answerAllAccepting()
        #expect(harness.engine.stationSnapshot.queuedMessages == 0)
        #expect(harness.engine.recentTransactions.map(\.id) == Array(offline.suffix(50)))
    }

    @Test func queuedEventsSurviveARestartInTheirOrder() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        harness.handle(.linkDown(reason: "test"))
        _ = harness.command(.unplug(evseId: 1))
        var restarted = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted))
        restarted.boot()
        restarted.answerAllAccepting()
        #expect(Self.summaries(restarted) == [
            "Started Authorized 0 EVConnected -", "Updated ChargingStateChanged 1 Charging -",
            "Ended EVCommunicationLost 2 Idle EVDisconnected",
        ])
    }

    @Test func TC_J_09_CS_txUpdatedIntervalSendsPeriodicUpdatedWithItsMeasurands() {
        var harness = Self.registered(overrides: [("SampledDataCtrlr.TxUpdatedInterval", "60")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.advance(by: .seconds(60))
        harness.answerAllAccepting()
        let periodic = Self.events(harness).last!
        #expect(Self.summary(periodic) == "Updated MeterValuePeriodic 2 - -")
        let values = periodic["meterValue"]?[0]?["sampledValue"]
        #expect(values?[0]?["context"]?.string == "Sample.Periodic")
        #expect(values?[0]?["value"]?.number == 183.333)
        #expect(values?[1]?["measurand"]?.string == "Power.Active.Import")
    }

    @Test func txEndedIntervalKeepsSamplesForTheEndedEvent() {
        var harness = Self.registered(overrides: [("SampledDataCtrlr.TxEndedInterval", "30")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.advance(by: .seconds(60))
        _ = harness.command(.unplug(evseId: 1))
        harness.answerAllAccepting()
        let contexts = Self.events(harness).last?["meterValue"].map { readings -> [String?] in
            (0..<4).map { readings[$0]?["sampledValue"]?[0]?["context"]?.string }
        }
        #expect(contexts == ["Transaction.Begin", "Sample.Periodic", "Sample.Periodic", "Transaction.End"])
    }

    @Test func TC_E_16_CS_aTokenTheCSMSRefusesInTheEventAnswerEndsTheTransaction() {
        var harness = Self.registered()
        harness.handle(.linkDown(reason: "test"))
        // Offline, nobody asks the CSMS: LocalAuthorizeOffline with a cached Accepted token.
        Self.cacheAccepted(&harness)
        let reply = harness.start(.start(evseId: 1, Self.tag))
        guard case .transactionStarted? = harness.reply(to: reply) else {
            Issue.record("the cached token did not start offline")
            return
        }
        harness.handle(.linkUp)
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Blocked"}}"#)
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended Deauthorized 2 EVConnected DeAuthorized")
    }

    @Test func withStopTxOnInvalidIdFalseARefusedTokenOnlySuspendsTheEnergy() {
        var harness = Self.registered(overrides: [("TxCtrlr.StopTxOnInvalidId", "false")])
        harness.handle(.linkDown(reason: "test"))
        Self.cacheAccepted(&harness)
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.handle(.linkUp)
        while let call = harness.outstanding, call.action != "TransactionEvent" { harness.answerAccepting(call) }
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Invalid"}}"#)
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Updated ChargingStateChanged 2 SuspendedEVSE -")
        #expect(harness.engine.connectorSnapshots[0].powerW == 0)
    }

    @Test func TC_E_28_CS_to_TC_E_34_CS_getTransactionStatusSaysWhatRunsAndWhatWaits() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let id = Self.events(harness)[0]["transactionInfo"]?["transactionId"]?.string ?? ""
        let running = harness.call("GetTransactionStatus", #"{"transactionId":"\#(id)"}"#)
        #expect(harness.result(answering: running) == .object(["ongoingIndicator": .bool(true), "messagesInQueue": .bool(false)]))
        harness.handle(.linkDown(reason: "test"))
        _ = harness.command(.unplug(evseId: 1))
        harness.handle(.linkUp)
        let ended = harness.call("GetTransactionStatus", #"{"transactionId":"\#(id)"}"#)
        #expect(harness.result(answering: ended) == .object(["ongoingIndicator": .bool(false), "messagesInQueue": .bool(true)]))
        let any = harness.call("GetTransactionStatus", "{}")
        #expect(harness.result(answering: any) == .object(["messagesInQueue": .bool(true)]))
        let unknown = harness.call("GetTransactionStatus", #"{"transactionId":"nope"}"#)
        #expect(harness.result(answering: unknown) == .object(["ongoingIndicator": .bool(false), "messagesInQueue": .bool(false)]))
    }

    @Test func TC_F_05_CS_unlockIsRefusedWhileAnAuthorizedTransactionRuns() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let unlock = harness.call("UnlockConnector", #"{"evseId":1,"connectorId":1}"#)
        #expect(harness.result(answering: unlock)?["status"]?.string == "OngoingAuthorizedTransaction")
        #expect(harness.engine.connectorSnapshots[0].transaction != nil)
    }

    @Test func TC_F_13_CS_and_TC_F_14_CS_triggeredTransactionEventIsAnUpdatedWithTheChargingState() {
        var harness = Self.registered()
        let none = harness.call("TriggerMessage", #"{"requestedMessage":"TransactionEvent"}"#)
        #expect(harness.result(answering: none)?["status"]?.string == "Rejected")
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let trigger = harness.call("TriggerMessage", #"{"requestedMessage":"TransactionEvent","evse":{"id":1}}"#)
        #expect(harness.result(answering: trigger)?["status"]?.string == "Accepted")
        harness.answerAllAccepting()
        let triggered = Self.events(harness).last!
        #expect(Self.summary(triggered) == "Updated Trigger 2 Charging -")
        #expect(triggered["meterValue"]?[0]?["sampledValue"]?[0]?["context"]?.string == "Trigger")
    }

    @Test func TC_B_21_CS_resetOnIdleWaitsForTheTransactionToEnd() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let reset = harness.call("Reset", #"{"type":"OnIdle"}"#)
        #expect(harness.result(answering: reset)?["status"]?.string == "Scheduled")
        #expect(!harness.effects.contains(.restart))
        _ = harness.command(.unplug(evseId: 1))
        // The Ended goes first, and the reboot waits for its answer so that it is not sent twice.
        #expect(harness.outstanding.map(Self.summary) == "Ended EVCommunicationLost 2 Idle EVDisconnected")
        #expect(!harness.effects.contains(.restart))
        harness.answerAllAccepting()
        #expect(harness.effects.last == .restart)
        #expect(harness.persisted.contains(.bootReason(.remoteReset)))
    }

    @Test func TC_B_22_CS_resetImmediateEndsTheTransactionFirst() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.call("Reset", #"{"type":"Immediate"}"#)
        let ended = harness.persisted.compactMap { change -> QueuedTransactionEvent? in
            if case .transactionEventQueued(let event) = change { return event }
            return nil
        }.last
        #expect(ended?.request.eventType == .ended)
        #expect(ended?.request.triggerReason == .resetCommand)
        #expect(ended?.request.transactionInfo.stoppedReason == .immediateReset)
        #expect(!harness.effects.contains(.restart))
        harness.answerAllAccepting()
        #expect(harness.effects.last == .restart)
    }

    @Test func TC_B_26_CS_and_TC_B_27_CS_resettingOneEVSEWaitsForItsTransactionOrEndsIt() {
        var harness = Self.registered(evses: 2)
        _ = harness.start(.start(evseId: 1, Self.tag))
        _ = harness.start(.start(evseId: 2, IdToken(idToken: "TAG2", type: .iso14443)))
        harness.answerAllAccepting()
        let immediate = harness.call("Reset", #"{"type":"Immediate","evseId":1}"#)
        #expect(harness.result(answering: immediate)?["status"]?.string == "Accepted")
        harness.answerAllAccepting()
        #expect(Self.summaries(harness).last == "Ended ResetCommand 2 EVConnected ImmediateReset")
        #expect(harness.engine.connectorSnapshots[1].transaction != nil, "EVSE 2 is left alone")
        let onIdle = harness.call("Reset", #"{"type":"OnIdle","evseId":2}"#)
        #expect(harness.result(answering: onIdle)?["status"]?.string == "Scheduled")
        #expect(harness.engine.evses[1].resetWhenIdle)
        _ = harness.command(.unplug(evseId: 2))
        #expect(!harness.engine.evses[1].resetWhenIdle)
        #expect(!harness.effects.contains(.restart))
    }

    @Test func offlineAnUnknownTokenStartsOnlyWithOfflineTxForUnknownIdEnabled() {
        var harness = Self.registered()
        harness.handle(.linkDown(reason: "test"))
        #expect(harness.command(.start(evseId: 1, Self.tag)) == .failed(.unknownTokenOffline))
        _ = harness.command(.setVariable(StandardVariables.offlineTxForUnknownIdEnabled.address, value: "true"))
        guard case .transactionStarted(_, confirmed: false)? = harness.command(.start(evseId: 1, Self.tag)) else {
            Issue.record("the unknown token did not start offline")
            return
        }
    }

    @Test func withoutAuthorizationEveryTokenStartsWithoutAsking() {
        var harness = Self.registered(overrides: [("AuthCtrlr.Enabled", "false")])
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        #expect(harness.calls("Authorize").isEmpty)
        #expect(Self.summaries(harness).first == "Started Authorized 0 EVConnected -")
    }

    @Test func aResetDoesNotWaitForeverForAnAnswerThatDoesNotCome() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        harness.call("Reset", #"{"type":"Immediate"}"#)
        #expect(harness.outstanding?.action == "TransactionEvent")
        harness.advance(by: .seconds(30))
        #expect(harness.effects.contains(.restart))
    }

    @Test func TC_G_11_CS_inoperativeWhileATransactionRunsIsScheduledAndAppliesWhenItEnds() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let change = harness.call("ChangeAvailability", #"{"operationalStatus":"Inoperative","evse":{"id":1}}"#)
        #expect(harness.result(answering: change)?["status"]?.string == "Scheduled")
        harness.answerAllAccepting()
        #expect(harness.calls("StatusNotification").last?["connectorStatus"]?.string == "Occupied")
        _ = harness.command(.unplug(evseId: 1))
        harness.answerAllAccepting()
        #expect(harness.calls("StatusNotification").last?["connectorStatus"]?.string == "Unavailable")
        guard case .failed(.evseUnavailable)? = harness.command(.start(evseId: 1, Self.tag)) else {
            Issue.record("an inoperative EVSE took a session")
            return
        }
    }

    @Test func aStartOnABusyEVSEOrWithARefusedTokenIsRefused() {
        var harness = Self.registered()
        let refused = harness.start(.start(evseId: 1, Self.tag))
        harness.answerOutstanding() // StatusNotification Occupied
        #expect(harness.outstanding?.action == "Authorize")
        harness.answerOutstanding(#"{"idTokenInfo":{"status":"Invalid"}}"#)
        #expect(harness.reply(to: refused) == .failed(.tokenRefused(.invalid)))
        #expect(Self.events(harness).isEmpty)
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        guard case .failed(.evseBusy)? = harness.command(.start(evseId: 1, Self.tag)) else {
            Issue.record("a second start took the busy EVSE")
            return
        }
    }

    @Test func theSimulatedRegisterStoresItsCeilingAheadOfWhatItShows() {
        var harness = Self.registered()
        _ = harness.start(.start(evseId: 1, Self.tag))
        harness.answerAllAccepting()
        let ceilings = harness.persisted.compactMap { change -> Double? in
            if case .evse(let record) = change { return record.ceilingWh }
            return nil
        }
        // 5 s of 11 kW ahead.
        #expect(ceilings.last.map { abs($0 - 15.278) < 0.01 } == true)
        var transactionTimers = EarliestDeadline(after: harness.uptime)
        harness.engine.considerTransactionDeadlines(&transactionTimers)
        #expect(transactionTimers.value == harness.uptime + .seconds(3))
        // Observers see the meter every second while energy flows.
        #expect(harness.nextDeadline == harness.uptime + .seconds(1))
    }
}

extension Harness {
    /// Answers a CALL as a CSMS that accepts every token.
    mutating func answerAccepting(_ call: SentCall) {
        switch call.action {
        case "Authorize": answerOutstanding(#"{"idTokenInfo":{"status":"Accepted"}}"#)
        default: answerOutstanding()
        }
    }

    /// Answers every CALL the station sends until it has none left, accepting every token.
    mutating func answerAllAccepting() {
        while let call = outstanding { answerAccepting(call) }
    }
}

extension JSONValue {
    var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}

extension PersistedState {
    /// What the store holds after these changes, as a restart reads it.
    static func replaying(_ changes: [StoreChange]) -> PersistedState {
        var state = PersistedState()
        var evses: [Int: EVSERecord] = [:]
        var transactions: [String: TransactionRecord] = [:]
        var events: [Int: QueuedTransactionEvent] = [:]
        for change in changes {
            switch change {
            case .evse(let record): evses[record.id] = record
            case .transaction(let record): transactions[record.id] = record
            case .transactionRemoved(let id): transactions[id] = nil
            case .transactionEventQueued(let event): events[event.sequence] = event
            case .transactionEventRemoved(let sequence): events[sequence] = nil
            case .variable(let address, let value): state.variables[address] = value
            case .availability(let target, let operative):
                if operative { state.inoperative.remove(target) } else { state.inoperative.insert(target) }
            case .bootReason(let reason): state.bootReason = reason
            case .networkProfile(let slot, let profile): state.networkProfiles[slot] = profile
            case .networkProfileRemoved(let slot): state.networkProfiles[slot] = nil
            case .displayMessage(let message):
                state.displayMessages.removeAll { $0.id == message.id }
                state.displayMessages.append(message)
            case .displayMessageRemoved(let id): state.displayMessages.removeAll { $0.id == id }
            case .securityLogEntry(let entry):
                state.securityLog.removeAll { $0.id == entry.id }
                state.securityLog.append(entry)
            default: break
            }
        }
        state.evses = evses.values.sorted { $0.id < $1.id }
        state.transactions = Array(transactions.values)
        state.transactionEvents = events.values.sorted { $0.sequence < $1.sequence }
        return state
    }
}

/// The hardware side's faults and the API's local versions of CSMS requests.
@Suite struct LocalControlTests {
    @Test func aFaultEndsTheTransactionWithAbnormalConditionAndRefusesNewSessionsUntilCleared() {
        var harness = TransactionTests.registered()
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        guard case .connector(let faulted)? = harness.command(.fault(evseId: 1, "GroundFailure")) else {
            Issue.record("no connector answered the fault")
            return
        }
        #expect(faulted.status == .faulted)
        #expect(faulted.fault == "GroundFailure")
        harness.answerAllAccepting()
        #expect(TransactionTests.summaries(harness).last == "Ended AbnormalCondition 2 EVConnected GroundFault")
        #expect(harness.calls("StatusNotification").last?["connectorStatus"]?.string == "Faulted")
        guard case .failed(.evseUnavailable(_, .faulted))? = harness.command(.start(evseId: 1, TransactionTests.tag)) else {
            Issue.record("a faulted EVSE took a session")
            return
        }
        _ = harness.command(.fault(evseId: 1, nil))
        harness.answerAllAccepting()
        #expect(harness.calls("StatusNotification").last?["connectorStatus"]?.string == "Occupied")
        #expect(harness.persisted.contains { if case .evse(let record) = $0 { record.fault == "GroundFailure" } else { false } })
    }

    @Test func aFaultAnswersAStartThatStillWaitsForTheCSMS() {
        var harness = TransactionTests.registered()
        let start = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerOutstanding()  // StatusNotification Occupied; the Authorize waits
        _ = harness.command(.fault(evseId: 1, "OtherError"))
        #expect(harness.reply(to: start) == .failed(.evseUnavailable(evseId: 1, .faulted)))
    }

    @Test func theAPIsResetBootsSayingLocalResetAndItsOtherRequestsAnswerAsTheCSMSWould() {
        var harness = TransactionTests.registered()
        #expect(harness.command(.unlock(evseId: 1)) == .status("Unlocked"))
        #expect(harness.command(.changeAvailability(evseId: nil, .inoperative)) == .status("Accepted"))
        #expect(harness.engine.connectorSnapshots[0].status == .unavailable)
        #expect(harness.command(.changeAvailability(evseId: 1, .operative)) == .status("Accepted"))
        #expect(harness.command(.trigger(.statusNotification, evseId: nil)) == .status("Rejected"))
        #expect(harness.command(.trigger(.heartbeat, evseId: nil)) == .status("Accepted"))
        #expect(harness.command(.localList) == .localList(LocalAuthorizationList()))
        #expect(harness.command(.reset(.onIdle)) == .status("Accepted"))
        #expect(harness.persisted.contains(.bootReason(.localReset)))
        #expect(harness.effects.contains(.restart))
    }
}
