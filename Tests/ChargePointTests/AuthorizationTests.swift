import OCPP16
import Testing

@testable import ChargePoint

@Suite struct LocalListTests {
    private let full = #"{"listVersion":3,"updateType":"Full","localAuthorizationList":[{"idTag":"LOCAL1","idTagInfo":{"status":"Accepted"}},{"idTag":"BAD1","idTagInfo":{"status":"Blocked"}}]}"#

    @Test func fullThenDifferentialWithVersionChecks() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "SendLocalList", full)
        #expect(harness.result(answering: "l1")?["status"] == .string("Accepted"))
        harness.csmsCall("v1", "GetLocalListVersion", "{}")
        #expect(harness.result(answering: "v1")?["listVersion"] == .integer(3))
        harness.csmsCall("l2", "SendLocalList", #"{"listVersion":3,"updateType":"Differential","localAuthorizationList":[{"idTag":"NEW"}]}"#)
        #expect(harness.result(answering: "l2")?["status"] == .string("VersionMismatch"))
        harness.csmsCall("l3", "SendLocalList", #"{"listVersion":4,"updateType":"Differential","localAuthorizationList":[{"idTag":"bad1"},{"idTag":"NEW","idTagInfo":{"status":"Accepted"}}]}"#)
        #expect(harness.result(answering: "l3")?["status"] == .string("Accepted"))
        #expect(harness.engine.localList.all.map(\.idTag.value) == ["LOCAL1", "NEW"])
        #expect(harness.persisted.contains(.saveLocalList(harness.engine.localList)))
        harness.csmsCall("l4", "SendLocalList", #"{"listVersion":9,"updateType":"Full","localAuthorizationList":[]}"#)
        harness.csmsCall("v2", "GetLocalListVersion", "{}")
        #expect(harness.result(answering: "v2")?["listVersion"] == .integer(0))
    }

    @Test func malformedUpdatesFailAndChangeNothing() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("l1", "SendLocalList", full)
        let cases = [
            #"{"listVersion":0,"updateType":"Full","localAuthorizationList":[]}"#,
            #"{"listVersion":5,"updateType":"Full","localAuthorizationList":[{"idTag":"X"}]}"#,
            #"{"listVersion":5,"updateType":"Full","localAuthorizationList":[{"idTag":"X","idTagInfo":{"status":"Accepted"}},{"idTag":"x","idTagInfo":{"status":"Accepted"}}]}"#,
        ]
        for (index, payload) in cases.enumerated() {
            harness.csmsCall("f\(index)", "SendLocalList", payload)
            #expect(harness.result(answering: "f\(index)")?["status"] == .string("Failed"), "\(payload)")
        }
        #expect(harness.engine.localList.version == 3)
    }

    @Test func locallyValidTagStartsOfflineWithLocalAuthorizeOffline() {
        var harness = Harness(overrides: [("LocalAuthorizeOffline", "true")])
        harness.bootAccepted()
        harness.csmsCall("l1", "SendLocalList", full)
        harness.handle(.linkDown(reason: "gone"))
        let started = harness.command(.start(connector: 1, idTag: "local1"))
        guard case .transaction(let snapshot)? = harness.reply(started) else {
            Issue.record("no transaction")
            return
        }
        #expect(snapshot.pendingDelivery)
        let refused = harness.command(.start(connector: 2, idTag: "BAD1"))
        #expect(harness.reply(refused) == .failed(.refused(.blocked)))
        let unknown = harness.command(.start(connector: 2, idTag: "WHO"))
        #expect(harness.reply(unknown) == .failed(.offlineStartNotAllowed))
        let asked = harness.command(.authorize("LOCAL1"))
        #expect(harness.reply(asked) == .authorization(idTag: "LOCAL1", IdTagInfo(status: .accepted), source: .localList))
    }

    @Test func localPreAuthorizeSkipsAuthorizeOnline() {
        var harness = Harness(overrides: [("LocalPreAuthorize", "true")])
        harness.bootAccepted()
        harness.csmsCall("l1", "SendLocalList", full)
        _ = harness.command(.start(connector: 1, idTag: "LOCAL1"))
        harness.acknowledgeAll()
        #expect(harness.calls("Authorize").isEmpty)
        #expect(harness.calls("StartTransaction").count == 1)
        _ = harness.command(.start(connector: 2, idTag: "BAD1"))
        #expect(harness.outstanding?.action == "StatusNotification" || harness.outstanding?.action == "Authorize")
        harness.acknowledgeAll()
        #expect(harness.calls("Authorize").map { $0["idTag"] } == [.string("BAD1")], "an invalid local entry is re-checked online")
    }
}

@Suite struct AuthorizationCacheTests {
    @Test func answersAreCachedAndUsedOffline() {
        var harness = Harness(overrides: [("LocalAuthorizeOffline", "true")])
        harness.bootAccepted()
        _ = harness.command(.authorize("CACHED"))
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        #expect(harness.persisted.contains { if case .saveCacheEntry(let entry) = $0 { entry.idTag == "CACHED" } else { false } })
        harness.handle(.linkDown(reason: "gone"))
        let reply = harness.command(.authorize("cached"))
        #expect(harness.reply(reply) == .authorization(idTag: "cached", IdTagInfo(status: .accepted), source: .cache))
    }

    @Test func expiredEntriesAreNotValid() {
        var harness = Harness(overrides: [("LocalAuthorizeOffline", "true")])
        harness.bootAccepted()
        _ = harness.command(.authorize("SOON"))
        harness.respond(#"{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-15T08:00:00Z"}}"#)
        harness.handle(.linkDown(reason: "gone"))
        harness.wallClock = Timestamp.parse("2027-01-15T08:00:01Z")!.millisecondsSince1970
        let reply = harness.command(.start(connector: 1, idTag: "SOON"))
        #expect(harness.reply(reply) == .failed(.refused(.expired)))
    }

    @Test func clearCacheEmptiesItDurably() {
        var harness = Harness(overrides: [("LocalAuthorizeOffline", "true")])
        harness.bootAccepted()
        _ = harness.command(.authorize("CACHED"))
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.csmsCall("c1", "ClearCache", "{}")
        #expect(harness.result(answering: "c1")?["status"] == .string("Accepted"))
        #expect(harness.persisted.contains(.clearCache))
        harness.handle(.linkDown(reason: "gone"))
        let reply = harness.command(.authorize("CACHED"))
        #expect(harness.reply(reply) == .failed(.offline))
    }

    @Test func evictionDropsInvalidEntriesFirstThenTheOldest() {
        var cache = AuthorizationCache()
        let time = { (ms: Int64) in Timestamp(millisecondsSince1970: ms) }
        _ = cache.remember("INVALID", IdTagInfo(status: .invalid), at: time(5))
        for index in 0..<(AuthorizationCache.capacity - 1) {
            _ = cache.remember(IdToken("T\(index)")!, IdTagInfo(status: .accepted), at: time(Int64(10 + index)))
        }
        let first = cache.remember("NEW1", IdTagInfo(status: .accepted), at: time(100_000))
        #expect(first.map(\.idTag) == ["INVALID"])
        let second = cache.remember("NEW2", IdTagInfo(status: .accepted), at: time(100_001))
        #expect(second.map(\.idTag) == ["T0"])
    }

    @Test func cacheAndListSurviveARestart() {
        var list = LocalAuthorizationList()
        _ = list.apply(
            SendLocalListRequest(
                listVersion: 2,
                localAuthorizationList: [AuthorizationData(idTag: "L", idTagInfo: IdTagInfo(status: .accepted))],
                updateType: .full),
            capacity: 10, batchLimit: 10)
        let cached = AuthorizationCache.Entry(idTag: "C", info: IdTagInfo(status: .accepted), lastUsed: Timestamp(millisecondsSince1970: 1))
        var harness = Harness(
            persisted: PersistedState(localList: list, cache: [cached]), overrides: [("LocalAuthorizeOffline", "true")])
        let fromList = harness.command(.authorize("L"))
        #expect(harness.reply(fromList) == .authorization(idTag: "L", IdTagInfo(status: .accepted), source: .localList))
        let fromCache = harness.command(.authorize("C"))
        #expect(harness.reply(fromCache) == .authorization(idTag: "C", IdTagInfo(status: .accepted), source: .cache))
    }
}
