import EngineSupport
import OCPP201
import Testing

@testable import Station201

extension Harness {
    /// Sends SetVariableMonitoring with one element; returns its result.
    mutating func setMonitor(
        _ type: String, _ value: Double, severity: Int = 5, component: String = #"{"name":"EVSE","evse":{"id":1}}"#,
        variable: String = "Power", id: Int? = nil, transaction: Bool? = nil
    ) -> JSONValue? {
        let idMember = id.map { #""id":\#($0),"# } ?? ""
        let transactionMember = transaction.map { #""transaction":\#($0),"# } ?? ""
        let call = call(
            "SetVariableMonitoring",
            #"{"setMonitoringData":[{\#(idMember)\#(transactionMember)"value":\#(value),"type":"\#(type)","severity":\#(severity),"component":\#(component),"variable":{"name":"\#(variable)"}}]}"#)
        return result(answering: call)?["setMonitoringResult"]?[0]
    }

    /// Every event the monitors raised so far, in order.
    var notifiedEvents: [JSONValue] {
        allNotifiedEvents.filter { $0["eventNotificationType"]?.string == "CustomMonitor" }
    }

    /// Every event every NotifyEvent sent so far carried, hard-wired notices included.
    var allNotifiedEvents: [JSONValue] {
        calls("NotifyEvent").flatMap { call -> [JSONValue] in
            guard case .array(let events)? = call["eventData"] else { return [] }
            return events
        }
    }
}

/// Functional block N, monitoring: SetVariableMonitoring, ClearVariableMonitoring, SetMonitoringBase,
/// SetMonitoringLevel, GetMonitoringReport, and the NotifyEvents monitors raise, with a fake clock.
@Suite struct MonitoringTests {
    static func registered(overrides: [(key: String, value: String)] = []) -> Harness {
        var harness = TransactionTests.registered(evses: 1, overrides: overrides)
        harness.effects.removeAll()
        return harness
    }

    /// EVSE 1 charging at the simulated 11 kW.
    static func charge(_ harness: inout Harness) {
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
    }

    @Test func N04_aMonitorGetsAnIdAndIsStoredBeforeTheAnswer() {
        var harness = Self.registered()
        let result = harness.setMonitor("UpperThreshold", 5000)
        #expect(result?["status"]?.string == "Accepted")
        #expect(result?["id"] == .integer(1))
        #expect(harness.setMonitor("LowerThreshold", 100)?["id"] == .integer(2))
        let stored = harness.position {
            if case .persist(let changes) = $0 { changes.contains { if case .monitors = $0 { true } else { false } } } else { false }
        }
        let answered = harness.position { if case .send(let text) = $0 { text.hasPrefix("[3,") } else { false } }
        #expect(stored != nil && answered != nil && stored! < answered!)
        #expect(harness.engine.monitors.all.map(\.id) == [1, 2])
    }

    @Test func N04_FR_refusalsNameTheirReason() {
        var harness = Self.registered()
        #expect(harness.setMonitor("Delta", 1, component: #"{"name":"NoSuchCtrlr"}"#)?["status"]?.string == "UnknownComponent")
        #expect(harness.setMonitor("Delta", 1, variable: "NoSuchVariable")?["status"]?.string == "UnknownVariable")
        // A threshold needs a number; AvailabilityState is an option list.
        #expect(harness.setMonitor("UpperThreshold", 1, variable: "AvailabilityState")?["status"]?.string == "UnsupportedMonitorType")
        #expect(harness.setMonitor("UpperThreshold", 50_000)?["status"]?.string == "Rejected")
        #expect(harness.setMonitor("LowerThreshold", -1)?["status"]?.string == "Rejected")
        #expect(harness.setMonitor("Delta", -5)?["status"]?.string == "Rejected")
        #expect(harness.setMonitor("Delta", 5, severity: 10)?["status"]?.string == "Rejected")
        #expect(harness.setMonitor("Periodic", 0)?["status"]?.string == "Rejected")
        #expect(harness.setMonitor("Delta", 5, id: 42)?["status"]?.string == "Rejected")
        #expect(harness.engine.monitors.isEmpty)
    }

    @Test func N04_sameTypeAndSeverityIsADuplicateAndAnIdReplacesOnlyItsOwnVariable() {
        var harness = Self.registered()
        #expect(harness.setMonitor("UpperThreshold", 5000, severity: 3)?["status"]?.string == "Accepted")
        #expect(harness.setMonitor("UpperThreshold", 6000, severity: 3)?["status"]?.string == "Duplicate")
        #expect(harness.setMonitor("UpperThreshold", 6000, severity: 4)?["status"]?.string == "Accepted")
        // Replacing monitor 1 by its id keeps the id.
        #expect(harness.setMonitor("UpperThreshold", 7000, severity: 3, id: 1)?["status"]?.string == "Accepted")
        #expect(harness.engine.monitors.all.first { $0.id == 1 }?.value == 7000)
        // Its id cannot move it to another variable.
        let moved = harness.setMonitor("Delta", 1, component: #"{"name":"OCPPCommCtrlr"}"#, variable: "HeartbeatInterval", id: 1)
        #expect(moved?["status"]?.string == "Rejected")
    }

    @Test func N07_FR_02_aThresholdCrossedAlertsOnceAndClearsWhenTheValueComesBack() {
        var harness = Self.registered()
        _ = harness.setMonitor("UpperThreshold", 5000)
        #expect(harness.calls("NotifyEvent").isEmpty)
        Self.charge(&harness)
        harness.answerAll()
        let transactionId = harness.engine.evses[0].transaction!.id
        #expect(harness.notifiedEvents.count == 1)
        let alert = harness.notifiedEvents[0]
        #expect(alert["trigger"]?.string == "Alerting")
        #expect(alert["actualValue"]?.string == "11000")
        #expect(alert["cleared"] == nil)
        #expect(alert["variableMonitoringId"] == .integer(1))
        #expect(alert["eventNotificationType"]?.string == "CustomMonitor")
        #expect(alert["transactionId"]?.string == transactionId)
        #expect(alert["component"]?["evse"]?["id"] == .integer(1))
        // Still above: nothing more.
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 9000))
        harness.answerAll()
        #expect(harness.notifiedEvents.count == 1)
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 3000))
        harness.answerAll()
        #expect(harness.notifiedEvents.count == 2)
        #expect(harness.notifiedEvents[1]["cleared"] == .bool(true))
        #expect(harness.notifiedEvents[1]["actualValue"]?.string == "3000")
        #expect(harness.calls("NotifyEvent").allSatisfy { $0["seqNo"] == .integer(0) && $0["tbc"] == nil })
    }

    @Test func N07_aDeltaOnAStateReportsEveryChangeAFaultIncluded() {
        var harness = Self.registered()
        let connector = #"{"name":"Connector","evse":{"id":1,"connectorId":1}}"#
        #expect(harness.setMonitor("Delta", 0, component: connector, variable: "AvailabilityState")?["status"]?.string == "Accepted")
        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        harness.answerAll()
        #expect(harness.notifiedEvents.map { $0["actualValue"]?.string } == ["Faulted"])
        #expect(harness.notifiedEvents[0]["trigger"]?.string == "Delta")
        _ = harness.command(.fault(evseId: 1, nil))
        harness.answerAll()
        #expect(harness.notifiedEvents.map { $0["actualValue"]?.string } == ["Faulted", "Available"])
    }

    @Test func N07_aNumericDeltaWaitsForMoreThanTheDeltaFromTheLastReport() {
        var harness = Self.registered()
        _ = harness.setMonitor("Delta", 1000)
        Self.charge(&harness)
        harness.answerAll()
        #expect(harness.notifiedEvents.map { $0["actualValue"]?.string } == ["11000"])
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 10_500))
        harness.answerAll()
        #expect(harness.notifiedEvents.count == 1)
        _ = harness.command(.setMeter(evseId: 1, energyWh: nil, powerW: 9_900))
        harness.answerAll()
        #expect(harness.notifiedEvents.map { $0["actualValue"]?.string } == ["11000", "9900"])
    }

    @Test func N07_FR_10_aWriteOnlyVariableIsReportedWithoutItsValue() {
        var harness = Self.registered()
        let security = #"{"name":"SecurityCtrlr"}"#
        #expect(harness.setMonitor("Delta", 0, component: security, variable: "BasicAuthPassword")?["status"]?.string == "Accepted")
        _ = harness.command(.setVariable(
            VariableAddress(ComponentAddress("SecurityCtrlr"), "BasicAuthPassword"), value: "a-new-password-0123"))
        harness.answerAll()
        #expect(harness.notifiedEvents.count == 1)
        #expect(harness.notifiedEvents.first?["actualValue"]?.string == "")
    }

    @Test func N07_periodicMonitorsReportOnTheirPeriodAndSkipWhileOffline() {
        var harness = Self.registered()
        _ = harness.setMonitor("Periodic", 60, component: #"{"name":"OCPPCommCtrlr"}"#, variable: "HeartbeatInterval")
        harness.advance(by: .seconds(59))
        harness.answerAll()
        #expect(harness.notifiedEvents.isEmpty)
        harness.advance(by: .seconds(1))
        harness.answerAll()
        #expect(harness.notifiedEvents.map { $0["trigger"]?.string } == ["Periodic"])
        #expect(harness.notifiedEvents.first?["actualValue"]?.string == "300")
        harness.handle(.linkDown(reason: "test"))
        harness.advance(by: .seconds(60))
        harness.handle(.linkUp)
        harness.answerAll()
        #expect(harness.notifiedEvents.count == 1)
        harness.advance(by: .seconds(60))
        harness.answerAll()
        #expect(harness.notifiedEvents.count == 2)
    }

    @Test func N07_periodicClockAlignedReportsOnTheGrid() {
        var harness = Self.registered()
        // The CSMS's clock is at 08:00:00; move 10 s past it, then ask for reports on every full minute.
        harness.advance(by: .seconds(10))
        _ = harness.setMonitor("PeriodicClockAligned", 60, component: #"{"name":"OCPPCommCtrlr"}"#, variable: "HeartbeatInterval")
        harness.advance(by: .seconds(49))
        harness.answerAll()
        #expect(harness.notifiedEvents.isEmpty)
        harness.advance(by: .seconds(1))
        harness.answerAll()
        #expect(harness.notifiedEvents.first?["timestamp"]?.string == "2027-01-15T08:01:00.000Z")
    }

    @Test func N05_aLevelBelowTheMonitorsSeveritySilencesIt() {
        var harness = Self.registered()
        _ = harness.setMonitor("UpperThreshold", 5000, severity: 5)
        let level = harness.call("SetMonitoringLevel", #"{"severity":4}"#)
        #expect(harness.result(answering: level)?["status"]?.string == "Accepted")
        #expect(harness.engine.deviceModel.integer(StandardVariables.activeMonitoringLevel) == 4)
        Self.charge(&harness)
        harness.answerAll()
        #expect(harness.notifiedEvents.isEmpty)
        // Raised again, the monitor finds the threshold crossed.
        _ = harness.call("SetMonitoringLevel", #"{"severity":5}"#)
        harness.answerAll()
        #expect(harness.notifiedEvents.map { $0["trigger"]?.string } == ["Alerting"])
        let invalid = harness.call("SetMonitoringLevel", #"{"severity":10}"#)
        #expect(harness.result(answering: invalid)?["status"]?.string == "Rejected")
        #expect(harness.engine.deviceModel.integer(StandardVariables.activeMonitoringLevel) == 5)
    }

    @Test func N07_FR_04_offlineOnlyEventsUpToOfflineQueuingSeverityWait() {
        var harness = Self.registered(overrides: [("MonitoringCtrlr.OfflineQueuingSeverity", "3")])
        let connector = #"{"name":"Connector","evse":{"id":1,"connectorId":1}}"#
        _ = harness.setMonitor("Delta", 0, severity: 2, component: connector, variable: "AvailabilityState")
        _ = harness.setMonitor("Delta", 0, severity: 6, component: #"{"name":"EVSE","evse":{"id":1}}"#, variable: "AvailabilityState")
        harness.handle(.linkDown(reason: "test"))
        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        _ = harness.command(.fault(evseId: 1, nil))
        harness.handle(.linkUp)
        harness.answerAll()
        // The severe monitor's two changes were kept; the other saw nothing change by the time it looked again.
        #expect(harness.notifiedEvents.map { $0["variableMonitoringId"] } == [.integer(1), .integer(1)])
        #expect(harness.notifiedEvents.map { $0["actualValue"]?.string } == ["Faulted", "Available"])
    }

    @Test func N04_aTransactionMonitorWatchesOnlyWhileOneRuns() {
        var harness = Self.registered()
        _ = harness.setMonitor("Delta", 0, component: #"{"name":"Connector","evse":{"id":1,"connectorId":1}}"#,
                               variable: "AvailabilityState", transaction: true)
        _ = harness.command(.plug(evseId: 1))
        harness.answerAll()
        #expect(harness.notifiedEvents.isEmpty)
        Self.charge(&harness)
        _ = harness.command(.stop(evseId: 1, reason: .local))
        harness.answerAllAccepting()
        // Occupied when the transaction began is where watching began; the end of it is not watched.
        #expect(harness.notifiedEvents.isEmpty)
        #expect(harness.engine.monitorWatches.isEmpty)
    }

    @Test func N06_clearRemovesByIdAndNamesTheUnknownOnes() {
        var harness = Self.registered()
        _ = harness.setMonitor("UpperThreshold", 5000)
        let clear = harness.call("ClearVariableMonitoring", #"{"id":[1,9]}"#)
        let results = harness.result(answering: clear)?["clearMonitoringResult"]
        #expect(results?[0]?["status"]?.string == "Accepted")
        #expect(results?[1]?["status"]?.string == "NotFound")
        #expect(harness.persisted.contains(.monitors(VariableMonitors())))
        Self.charge(&harness)
        harness.answerAll()
        #expect(harness.notifiedEvents.isEmpty)
    }

    @Test func N03_factoryDefaultRemovesTheCustomMonitorsAndAllKeepsThem() {
        var harness = Self.registered()
        _ = harness.setMonitor("UpperThreshold", 5000)
        let all = harness.call("SetMonitoringBase", #"{"monitoringBase":"All"}"#)
        #expect(harness.result(answering: all)?["status"]?.string == "Accepted")
        #expect(harness.engine.monitors.all.count == 1)
        let factory = harness.call("SetMonitoringBase", #"{"monitoringBase":"FactoryDefault"}"#)
        #expect(harness.result(answering: factory)?["status"]?.string == "Accepted")
        #expect(harness.engine.monitors.isEmpty)
        let read = harness.call("GetVariables", #"{"getVariableData":[{"component":{"name":"MonitoringCtrlr"},"variable":{"name":"ActiveMonitoringBase"}}]}"#)
        #expect(harness.result(answering: read)?["getVariableResult"]?[0]?["attributeValue"]?.string == "FactoryDefault")
    }

    @Test func N02_theReportGroupsMonitorsByVariableAndFiltersByKind() {
        var harness = Self.registered()
        _ = harness.setMonitor("UpperThreshold", 5000)
        _ = harness.setMonitor("Delta", 100)
        _ = harness.setMonitor("Periodic", 60, component: #"{"name":"OCPPCommCtrlr"}"#, variable: "HeartbeatInterval")
        let report = harness.call("GetMonitoringReport", #"{"requestId":4,"monitoringCriteria":["ThresholdMonitoring","DeltaMonitoring"]}"#)
        #expect(harness.result(answering: report)?["status"]?.string == "Accepted")
        harness.answerAll()
        let parts = harness.calls("NotifyMonitoringReport")
        #expect(parts.count == 1)
        #expect(parts.first?["requestId"] == .integer(4))
        #expect(parts.first?["monitor"]?[0]?["variable"]?["name"]?.string == "Power")
        guard case .array(let monitors)? = parts.first?["monitor"]?[0]?["variableMonitoring"] else {
            Issue.record("no variableMonitoring")
            return
        }
        #expect(monitors.map { $0["type"]?.string } == ["UpperThreshold", "Delta"])
        #expect(parts.first?["monitor"]?[1] == nil)
        let none = harness.call(
            "GetMonitoringReport", #"{"requestId":5,"componentVariable":[{"component":{"name":"SecurityCtrlr"}}]}"#)
        #expect(harness.result(answering: none)?["status"]?.string == "EmptyResultSet")
    }

    @Test func N07_FR_13_monitorsSurviveARestart() {
        var harness = Self.registered()
        _ = harness.setMonitor("UpperThreshold", 5000, severity: 2, transaction: true)
        guard case .monitors(let stored)? = harness.persisted.last(where: { if case .monitors = $0 { true } else { false } }) else {
            Issue.record("the monitors were not persisted")
            return
        }
        // As the store writes and reads the record.
        let restored = try! StrictJSON.decode(VariableMonitors.self, from: JSONValue.parse(JSONWriter.string(stored)))
        #expect(restored == harness.engine.monitors)
        var restarted = Harness(evses: 1, persisted: PersistedState(monitors: restored))
        restarted.boot()
        restarted.answerAll()
        #expect(restarted.engine.monitors.all.first?.severity == 2)
        #expect(restarted.engine.monitors.all.first?.transaction == true)
    }

    @Test func G05_aFaultIsAHardWiredNoticeOnTheEVSEsProblemAfterItsStatusNotification() throws {
        var harness = Self.registered()
        Self.charge(&harness)
        harness.answerAll()
        let transactionId = harness.engine.evses[0].transaction!.id
        harness.effects.removeAll()
        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        harness.answerAllAccepting()
        let actions = harness.sentCalls.map(\.action).filter { $0 == "StatusNotification" || $0 == "NotifyEvent" }
        #expect(actions == ["StatusNotification", "NotifyEvent"])
        let notice = try #require(harness.allNotifiedEvents.first)
        #expect(notice["eventNotificationType"]?.string == "HardWiredNotification")
        #expect(notice["component"]?["name"]?.string == "EVSE" && notice["component"]?["evse"]?["id"] == .integer(1))
        #expect(notice["variable"]?["name"]?.string == "Problem")
        #expect(notice["trigger"]?.string == "Alerting")
        #expect(notice["actualValue"]?.string == "true" && notice["cleared"] == nil)
        #expect(notice["techCode"]?.string == "GroundFailure")
        #expect(notice["transactionId"]?.string == transactionId)
        // The summary inventory lists the component with a problem [B07.FR.09].
        let report = harness.call("GetBaseReport", #"{"requestId":3,"reportBase":"SummaryInventory"}"#)
        #expect(harness.result(answering: report)?["status"]?.string == "Accepted")
        harness.answerAll()
        let problems = try harness.reportParts(3).flatMap { $0.reportData ?? [] }.filter { $0.variable.name.value == "Problem" }
        #expect(problems.map { $0.variableAttribute.first?.value?.value } == ["true"])

        _ = harness.command(.fault(evseId: 1, nil))
        harness.answerAll()
        let cleared = harness.allNotifiedEvents.last
        #expect(cleared?["actualValue"]?.string == "false" && cleared?["cleared"] == .bool(true))
        #expect(cleared?["techCode"]?.string == "GroundFailure")
        #expect(harness.allNotifiedEvents.count == 2)
    }

    @Test func aNotifyEventInFlightWhenTheLinkDropsGoesAgainAfterTheReconnect() {
        var harness = Self.registered()
        let connector = #"{"name":"Connector","evse":{"id":1,"connectorId":1}}"#
        _ = harness.setMonitor("Delta", 0, component: connector, variable: "AvailabilityState")
        _ = harness.command(.plug(evseId: 1))
        // Answer everything before the NotifyEvent; it is in flight when the link drops.
        while let call = harness.outstanding, call.action != "NotifyEvent" { harness.answerOutstanding() }
        #expect(harness.outstanding?.action == "NotifyEvent")
        harness.handle(.linkDown(reason: "test"))
        harness.handle(.linkUp)
        harness.answerAll()
        let sent = harness.calls("NotifyEvent")
        #expect(sent.count == 2)
        #expect(sent.map { $0["eventData"]?[0]?["eventId"] } == [.integer(1), .integer(1)], "the same event, again")
    }

    @Test func itemsPerMessageBoundsSetVariableMonitoring() {
        var harness = Self.registered()
        let element = #"{"value":1,"type":"Delta","severity":5,"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"}}"#
        let call = harness.call(
            "SetVariableMonitoring", #"{"setMonitoringData":[\#(Array(repeating: element, count: 101).joined(separator: ","))]}"#)
        #expect(harness.errorCode(answering: call) == "OccurrenceConstraintViolation")
    }

    @Test func disabledMonitoringRaisesNothing() {
        var harness = Self.registered(overrides: [("MonitoringCtrlr.Enabled", "false")])
        _ = harness.setMonitor("UpperThreshold", 5000)
        Self.charge(&harness)
        harness.answerAll()
        #expect(harness.notifiedEvents.isEmpty)
    }
}

/// Notifications the CSMS cannot learn again (NotifyEvent, ReservationStatusUpdate, …) outlive a restart
/// until it answers them; connector statuses do not need to.
@Suite struct StoredNotificationTests {
    @Test func aNotificationQueuedOfflineIsStoredAndSentAfterTheRestart() throws {
        var harness = MonitoringTests.registered()
        harness.handle(.linkDown(reason: "test"))
        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        let stored = harness.persisted.compactMap { change -> StoredNotification? in
            if case .notification(let notification) = change { notification } else { nil }
        }
        #expect(stored.map(\.action) == [.notifyEvent], "the StatusNotification is not stored")
        #expect(stored.first?.payload["eventData"]?[0]?["techCode"]?.string == "GroundFailure")

        // A restart with what the store holds: the notification goes once the CSMS accepted the boot.
        var restarted = Harness(evses: 1, persisted: PersistedState(notifications: stored))
        restarted.handle(.linkUp)
        #expect(restarted.outstanding?.action == "BootNotification")
        restarted.answerOutstanding(#"{"currentTime":"2027-01-15T08:00:00.000Z","interval":300,"status":"Accepted"}"#)
        restarted.answerAll()
        let sent = try #require(restarted.calls("NotifyEvent").first)
        #expect(sent.payload == stored[0].payload)
        #expect(restarted.persisted.contains(.notificationDelivered(stored[0].id)))
        #expect(restarted.engine.nextEventId == 1, "event ids go on from the stored ones")
        // Ids go on from the stored ones, so a new notification never takes an undelivered one's place.
        _ = restarted.command(.fault(evseId: 1, "GroundFailure"))
        let next = restarted.persisted.compactMap { change -> Int? in
            if case .notification(let notification) = change { notification.id } else { nil }
        }
        #expect(next == [stored[0].id + 1])
    }

    @Test func aNotificationLostWithTheLinkStaysStoredAndOneGivenUpLeaves() {
        var harness = MonitoringTests.registered()
        _ = harness.command(.fault(evseId: 1, "GroundFailure"))
        while let call = harness.outstanding, call.action != "NotifyEvent" { harness.answerOutstanding() }
        harness.handle(.linkDown(reason: "test"))
        #expect(!harness.persisted.contains { if case .notificationDelivered = $0 { true } else { false } })
        harness.handle(.linkUp)
        while let call = harness.outstanding, call.action != "NotifyEvent" { harness.answerOutstanding() }
        // A CALLERROR gives it up: it leaves the store.
        if let call = harness.outstanding { harness.handle(.received(#"[4,"\#(call.messageId)","InternalError","no",{}]"#)) }
        #expect(harness.persisted.contains { if case .notificationDelivered = $0 { true } else { false } })
    }
}
