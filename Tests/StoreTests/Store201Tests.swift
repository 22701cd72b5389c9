import OCPP201
import Station201
import TestFixtures
import Testing

@testable import Store

@Suite struct Store201Tests {
    @Test func everythingWrittenIsReadBackAfterReopening() throws {
        let folder = try TemporaryDirectory()
        let heartbeat = VariableAddress(ComponentAddress("OCPPCommCtrlr"), "HeartbeatInterval")
        let attempts = VariableAddress(ComponentAddress("OCPPCommCtrlr"), "MessageAttempts", instance: "TransactionEvent")
        let connectorType = VariableAddress(ComponentAddress("Connector", evseId: 2, connectorId: 1), "ConnectorType")
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([
                .variable(heartbeat, "60"), .variable(attempts, "5"), .variable(connectorType, "cCCS2"),
                .availability(.station, operative: false), .availability(.evse(2), operative: false),
                .availability(.connector(evseId: 1, connectorId: 1), operative: false),
                .bootReason(.remoteReset),
            ])
            try store.apply([.availability(.evse(2), operative: true), .variable(heartbeat, "90")])
        }
        let state = try Store201(directory: folder.path).load()
        #expect(state.variables == [heartbeat: "90", attempts: "5", connectorType: "cCCS2"])
        #expect(state.inoperative == [.station, .connector(evseId: 1, connectorId: 1)])
        #expect(state.bootReason == .remoteReset)
    }

    @Test func theSecurityLogKeepsItsOrderWhatWasDeliveredAndItsNewestEntries() throws {
        let folder = try TemporaryDirectory()
        func entry(_ id: Int, delivered: Bool = false) -> SecurityLogEntry {
            SecurityLogEntry(
                id: id, type: .startupOfTheDevice, timestamp: Timestamp(millisecondsSince1970: 1_800_000_000_000 + Int64(id)),
                techInfo: id == 2 ? "second" : nil, delivered: delivered)
        }
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.securityLogEntry(entry(2)), .securityLogEntry(entry(1))])
            try store.apply([.securityLogEntry(entry(1, delivered: true))])
        }
        #expect(try Store201(directory: folder.path).load().securityLog == [entry(1, delivered: true), entry(2)])

        let store = try Store201(directory: folder.path)
        let capacity = StationEngine.securityLogCapacity
        try store.apply((3...(capacity + 5)).map { .securityLogEntry(entry($0, delivered: true)) })
        let kept = try store.load().securityLog
        #expect(kept.count == capacity)
        #expect(kept.first?.id == 6 && kept.last?.id == capacity + 5)
    }

    @Test func theLocalListAndTheCacheAreReadBackAfterReopening() throws {
        let folder = try TemporaryDirectory()
        func token(_ value: String, _ type: IdTokenEnumType = .iso14443) -> IdToken { IdToken(idToken: CiString(value)!, type: type) }
        let list = LocalAuthorizationList(version: 4, entries: [
            AuthorizationData(idToken: token("LIST-1"), idTokenInfo: IdTokenInfo(status: .accepted, evseId: [1])),
        ])
        let at = Timestamp(millisecondsSince1970: 1_800_000_000_000)
        let kept = AuthorizationCacheEntry(
            idToken: token("Kept"), info: IdTokenInfo(status: .blocked, cacheExpiryDateTime: at), updatedAt: at)
        let sameValueOtherType = AuthorizationCacheEntry(
            idToken: token("kept", .keyCode), info: IdTokenInfo(status: .accepted), updatedAt: at)
        let removed = AuthorizationCacheEntry(idToken: token("Gone"), info: IdTokenInfo(status: .accepted), updatedAt: at)
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.localList(LocalAuthorizationList(version: 1)), .cacheEntry(removed), .cacheCleared])
            try store.apply([
                .localList(list), .cacheEntry(removed), .cacheEntry(kept), .cacheEntry(sameValueOtherType),
                .cacheEntryRemoved(IdTokenKey(token("GONE"))),
            ])
        }
        let state = try Store201(directory: folder.path).load()
        #expect(state.localList == list)
        #expect(state.authorizationCache.sorted { $0.idToken.type.rawValue < $1.idToken.type.rawValue } == [kept, sameValueOtherType])
    }

    @Test func displayMessagesAreReadBackAfterReopeningWithTheirTimesAndTransaction() throws {
        let folder = try TemporaryDirectory()
        let at = Timestamp(millisecondsSince1970: 1_800_000_000_000)
        let kept = MessageInfo(
            id: 7, priority: .inFront, state: .charging, startDateTime: at, endDateTime: at, transactionId: "tx-1",
            message: MessageContent(format: .utf8, language: "de", content: "Grüezi"))
        let replaced = MessageInfo(id: 3, priority: .normalCycle, message: MessageContent(format: .ascii, content: "Old"))
        let replacing = MessageInfo(id: 3, priority: .alwaysFront, message: MessageContent(format: .uri, content: "https://x.test"))
        let removed = MessageInfo(id: 9, priority: .normalCycle, message: MessageContent(format: .ascii, content: "Gone"))
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.displayMessage(kept), .displayMessage(replaced), .displayMessage(removed)])
            try store.apply([.displayMessage(replacing), .displayMessageRemoved(9)])
        }
        #expect(try Store201(directory: folder.path).load().displayMessages == [replacing, kept])
    }

    @Test func aNewFolderStartsFromNothing() throws {
        let folder = try TemporaryDirectory()
        #expect(try Store201(directory: folder.path).load() == PersistedState())
    }

    /// Issue 12: a data folder written by one protocol version refuses to start under the other.
    @Test func aFolderOfOneVersionIsRefusedByTheOtherSayingWhichItIs() throws {
        let folder16 = try TemporaryDirectory()
        _ = try Store(directory: folder16.path)
        let refusal201 = #expect(throws: StoreError.self) { try Store201(directory: folder16.path) }
        #expect(refusal201?.description.contains("holds a charge point of OCPP 1.6, not OCPP 2.0.1") == true)
        #expect(refusal201?.description.contains("--ocpp 1.6") == true)

        let folder201 = try TemporaryDirectory()
        _ = try Store201(directory: folder201.path)
        let refusal16 = #expect(throws: StoreError.self) { try Store(directory: folder201.path) }
        #expect(refusal16?.description.contains("holds a charge point of OCPP 2.0.1, not OCPP 1.6") == true)
        #expect(refusal16?.description.contains("--ocpp 2.0.1") == true)
        // Refused before anything was written: both still open under their own version.
        _ = try Store(directory: folder16.path)
        _ = try Store201(directory: folder201.path)
    }
}
