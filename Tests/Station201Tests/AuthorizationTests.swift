import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional blocks C (authorization, the cache) and D (the local list), through the API's authorize and
/// the CSMS's ClearCache, SendLocalList and GetLocalListVersion, with a fake clock.
@Suite struct AuthorizationTests {
    static func token(_ value: String, _ type: IdTokenEnumType = .iso14443) -> IdToken {
        IdToken(idToken: CiString(value)!, type: type)
    }

    static func answer(_ status: String, expiry: String? = nil) -> String {
        let expiryMember = expiry.map { #","cacheExpiryDateTime":"\#($0)""# } ?? ""
        return #"{"idTokenInfo":{"status":"\#(status)"\#(expiryMember)}}"#
    }

    /// Authorize sent for `value` and answered by the CSMS with `status`; the API's result.
    @discardableResult
    static func authorizeAtTheCSMS(
        _ harness: inout Harness, _ value: String, _ status: String, type: IdTokenEnumType = .iso14443,
        expiry: String? = nil
    ) -> CommandResult? {
        let reply = harness.start(.authorize(token(value, type)))
        #expect(harness.outstanding?.action == "Authorize")
        harness.answerOutstanding(answer(status, expiry: expiry))
        return harness.reply(to: reply)
    }

    static func source(_ result: CommandResult?) -> AuthorizationSource? {
        guard case .authorization(let answer)? = result else { return nil }
        return answer.source
    }

    static func status(_ result: CommandResult?) -> AuthorizationStatus? {
        guard case .authorization(let answer)? = result else { return nil }
        return answer.info.status
    }

    static func registered(localListCapacity: Int = 1000, authorizationCacheCapacity: Int = 1000) -> Harness {
        var harness = Harness(
            evses: 1, localListCapacity: localListCapacity, authorizationCacheCapacity: authorizationCacheCapacity)
        harness.boot()
        harness.answerAll()
        return harness
    }

    static func set(_ harness: inout Harness, _ descriptor: VariableDescriptor, _ value: String) {
        guard case .variableSet? = harness.command(.setVariable(descriptor.address, value: value)) else {
            Issue.record("\(descriptor.address.configurationKey) did not take \(value)")
            return
        }
    }

    static func sendLocalList(_ harness: inout Harness, _ payload: String) -> String? {
        let send = harness.call("SendLocalList", payload)
        return harness.result(answering: send)?["status"]?.string
    }

    static func localListVersion(_ harness: inout Harness) -> JSONValue? {
        let get = harness.call("GetLocalListVersion", "{}")
        return harness.result(answering: get)?["versionNumber"]
    }

    // MARK: - Authorize and the cache [C01, C10]

    @Test func TC_C_02_CS_anUnknownTokenIsAskedAtTheCSMSAndItsAnswerOfAnyStatusIsCached() {
        var harness = Self.registered()
        let reply = harness.start(.authorize(Self.token("Tag-1")))
        #expect(harness.reply(to: reply) == nil, "the answer waits for the CSMS")
        let request = harness.outstanding
        #expect(request?["idToken"] == .object(["idToken": .string("Tag-1"), "type": .string("ISO14443")]))
        harness.answerOutstanding(Self.answer("Invalid"))
        #expect(Self.status(harness.reply(to: reply)) == .invalid)
        #expect(Self.source(harness.reply(to: reply)) == .centralSystem)
        #expect(harness.persisted.contains {
            if case .cacheEntry(let entry) = $0 { entry.idToken == Self.token("Tag-1") && entry.info.status == .invalid } else { false }
        })
    }

    @Test func anAcceptedCachedTokenIsAnsweredFromTheCacheUntilLifeTimeHasPassed() {
        var harness = Self.registered()
        Self.set(&harness, StandardVariables.authCacheLifeTime, "60")
        Self.authorizeAtTheCSMS(&harness, "tag-1", "Accepted")
        harness.advance(by: .seconds(59))
        let cached = harness.command(.authorize(Self.token("TAG-1")))
        #expect(Self.source(cached) == .cache, "idTokens compare case-insensitively")
        #expect(harness.calls("Authorize").count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.command(.authorize(Self.token("tag-1"))) == nil, "expired: the CSMS is asked again")
        #expect(harness.calls("Authorize").count == 2)
    }

    @Test func cacheExpiryDateTimeOutlivesLifeTimeAndAPastOneIsNotCached() {
        var harness = Self.registered()
        Self.set(&harness, StandardVariables.authCacheLifeTime, "10")
        // The harness's wall clock starts at 2027-01-15T08:00:00Z.
        Self.authorizeAtTheCSMS(&harness, "long", "Accepted", expiry: "2027-01-15T08:02:00.000Z")
        harness.advance(by: .seconds(119))
        #expect(Self.source(harness.command(.authorize(Self.token("long")))) == .cache)
        harness.advance(by: .seconds(1))
        #expect(harness.command(.authorize(Self.token("long"))) == nil)
        harness.answerOutstanding(Self.answer("Accepted", expiry: "2027-01-15T07:00:00.000Z"))
        #expect(harness.command(.authorize(Self.token("long"))) == nil, "a past cacheExpiryDateTime is not cached")
        #expect(harness.persisted.contains(.cacheEntryRemoved(IdTokenKey(Self.token("long")))))
    }

    @Test func aCachedTokenThatIsNotAcceptedIsAskedAgainOnlineAndAnsweredOffline() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "blocked", "Blocked")
        #expect(harness.command(.authorize(Self.token("blocked"))) == nil)
        harness.answerOutstanding(Self.answer("Blocked"))
        harness.handle(.linkDown(reason: "test"))
        let offline = harness.command(.authorize(Self.token("blocked")))
        #expect(Self.status(offline) == .blocked)
        #expect(Self.source(offline) == .cache)
    }

    @Test func aTokenOfTypeCentralIsNeverCached() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "central-1", "Accepted", type: .central)
        #expect(harness.command(.authorize(Self.token("central-1", .central))) == nil)
        #expect(!harness.persisted.contains { if case .cacheEntry = $0 { true } else { false } })
    }

    @Test func theSameValueOfAnotherTypeIsAnotherToken() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "1234", "Accepted", type: .keyCode)
        #expect(harness.command(.authorize(Self.token("1234", .iso14443))) == nil)
    }

    @Test func aFullCacheEvictsTokensNotAcceptedFirstThenTheOldest() {
        var harness = Self.registered(authorizationCacheCapacity: 2)
        Self.authorizeAtTheCSMS(&harness, "oldest", "Accepted")
        harness.advance(by: .seconds(1))
        Self.authorizeAtTheCSMS(&harness, "blocked", "Blocked")
        harness.advance(by: .seconds(1))
        Self.authorizeAtTheCSMS(&harness, "newer", "Accepted")
        #expect(harness.persisted.contains(.cacheEntryRemoved(IdTokenKey(Self.token("blocked")))))
        harness.advance(by: .seconds(1))
        Self.authorizeAtTheCSMS(&harness, "newest", "Accepted")
        #expect(harness.persisted.contains(.cacheEntryRemoved(IdTokenKey(Self.token("oldest")))))
        #expect(Set(harness.engine.authorizationCache.entries.keys) == [
            IdTokenKey(Self.token("newer")), IdTokenKey(Self.token("newest")),
        ])
    }

    @Test func aCacheFullOfAcceptedTokensDoesNotKeepANewOneThatIsNot() {
        var harness = Self.registered(authorizationCacheCapacity: 1)
        Self.authorizeAtTheCSMS(&harness, "accepted", "Accepted")
        Self.authorizeAtTheCSMS(&harness, "invalid", "Invalid")
        #expect(!harness.persisted.contains {
            if case .cacheEntry(let entry) = $0 { entry.idToken == Self.token("invalid") } else { false }
        })
        #expect(Self.source(harness.command(.authorize(Self.token("accepted")))) == .cache)
    }

    @Test func aDisabledCacheIsNeitherFilledNorRead() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "tag", "Accepted")
        Self.set(&harness, StandardVariables.authCacheEnabled, "false")
        #expect(harness.command(.authorize(Self.token("tag"))) == nil)
        harness.answerOutstanding(Self.answer("Accepted"))
        #expect(harness.persisted.filter { if case .cacheEntry = $0 { true } else { false } }.count == 1)
    }

    @Test func aRestoredCacheAnswersAfterARestart() {
        let entry = AuthorizationCacheEntry(
            idToken: Self.token("kept"), info: IdTokenInfo(status: .accepted),
            updatedAt: Timestamp(millisecondsSince1970: 1_800_000_000_000))
        var harness = Harness(evses: 1, persisted: PersistedState(authorizationCache: [entry]))
        harness.boot()
        harness.answerAll()
        #expect(Self.source(harness.command(.authorize(Self.token("kept")))) == .cache)
    }

    @Test func TC_C_37_CS_clearCacheEmptiesTheCache() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "tag", "Accepted")
        let clear = harness.call("ClearCache", "{}")
        #expect(harness.result(answering: clear)?["status"] == .string("Accepted"))
        #expect(harness.persisted.contains(.cacheCleared))
        #expect(harness.command(.authorize(Self.token("tag"))) == nil)
    }

    @Test func TC_C_38_CS_clearCacheIsRejectedWhileTheCacheIsDisabled() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "tag", "Accepted")
        Self.set(&harness, StandardVariables.authCacheEnabled, "false")
        let clear = harness.call("ClearCache", "{}")
        #expect(harness.result(answering: clear)?["status"] == .string("Rejected"))
        #expect(!harness.persisted.contains(.cacheCleared))
    }

    // MARK: - Which source decides [C12–C14]

    @Test func TC_C_27_CS_anAcceptedLocalListTokenIsAnsweredWithoutAskingTheCSMS() {
        var harness = Self.registered()
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"LIST-1","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}]}"#) == "Accepted")
        let result = harness.command(.authorize(Self.token("list-1")))
        #expect(Self.source(result) == .localList)
        #expect(harness.calls("Authorize").isEmpty)
    }

    @Test func theLocalListIsLookedUpBeforeTheCache() {
        var harness = Self.registered()
        Self.authorizeAtTheCSMS(&harness, "both", "Accepted")
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"both","type":"ISO14443"},"idTokenInfo":{"status":"Blocked"}}]}"#) == "Accepted")
        #expect(harness.command(.authorize(Self.token("both"))) == nil, "the list's Blocked beats the cache's Accepted")
        harness.answerOutstanding(Self.answer("Blocked"))
        harness.handle(.linkDown(reason: "test"))
        let offline = harness.command(.authorize(Self.token("both")))
        #expect(Self.source(offline) == .localList)
        #expect(Self.status(offline) == .blocked)
    }

    @Test func aLocalListEntryPastItsExpiryReadsExpired() {
        var harness = Self.registered()
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"old","type":"ISO14443"},"idTokenInfo":{"status":"Accepted","cacheExpiryDateTime":"2027-01-15T07:00:00.000Z"}}]}"#) == "Accepted")
        #expect(harness.command(.authorize(Self.token("old"))) == nil, "not Accepted any more: the CSMS is asked")
        harness.answerOutstanding(Self.answer("Invalid"))
        harness.handle(.linkDown(reason: "test"))
        #expect(Self.status(harness.command(.authorize(Self.token("old")))) == .expired)
    }

    @Test func withoutLocalPreAuthorizeTheCSMSIsAskedEvenForAnAcceptedListToken() {
        var harness = Self.registered()
        Self.set(&harness, StandardVariables.localPreAuthorize, "false")
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"LIST-1","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}]}"#) == "Accepted")
        #expect(harness.command(.authorize(Self.token("LIST-1"))) == nil)
        #expect(harness.outstanding?.action == "Authorize")
    }

    @Test func offlineTheListDecidesOnlyWithLocalAuthorizeOfflineAndAnUnknownTokenIsRefused() {
        var harness = Self.registered()
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"LIST-1","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}]}"#) == "Accepted")
        harness.handle(.linkDown(reason: "test"))
        #expect(Self.source(harness.command(.authorize(Self.token("LIST-1")))) == .localList)
        #expect(harness.command(.authorize(Self.token("stranger"))) == .failed(.offline))
        Self.set(&harness, StandardVariables.localAuthorizeOffline, "false")
        #expect(harness.command(.authorize(Self.token("LIST-1"))) == .failed(.offline))
    }

    @Test func connectedButNotAcceptedTheStationDoesNotAuthorize() {
        var harness = Harness(evses: 1)
        harness.boot("Pending", interval: 60)
        #expect(harness.command(.authorize(Self.token("tag"))) == .failed(.notRegistered(.pending)))
    }

    @Test func anAuthorizeWithoutUsableAnswerFailsItsCaller() {
        var harness = Self.registered()
        let timedOut = harness.start(.authorize(Self.token("a")))
        harness.advance(by: .seconds(30))
        #expect(harness.reply(to: timedOut) == .failed(.centralSystemTimeout))
        let refused = harness.start(.authorize(Self.token("b")))
        let messageId = harness.outstanding!.messageId
        harness.handle(.received(#"[4,"\#(messageId)","InternalError","boom",{}]"#))
        #expect(harness.reply(to: refused) == .failed(.centralSystemError(code: "InternalError", description: "boom")))
    }

    @Test func theLinkDroppingFailsTheAuthorizeInFlightAndThoseQueuedBehindIt() {
        var harness = Self.registered()
        let inFlight = harness.start(.authorize(Self.token("a")))
        let queued = harness.start(.authorize(Self.token("b")))
        harness.handle(.linkDown(reason: "test"))
        #expect(harness.reply(to: inFlight) == .failed(.offline))
        #expect(harness.reply(to: queued) == .failed(.offline))
        harness.handle(.linkUp)
        #expect(harness.calls("Authorize").count == 1, "nothing is sent for a caller who got its answer")
    }

    // MARK: - The local list [D01, D02]

    static let twoTokens = #"[{"idToken":{"idToken":"A","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}},{"idToken":{"idToken":"B","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}]"#

    static func listedTokens(_ harness: Harness) -> [String] {
        harness.engine.localList.entries.map(\.idToken.idToken.value).sorted()
    }

    @Test func TC_D_01_CS_aFullListIsInstalledPersistedAndCounted() {
        var harness = Self.registered()
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":3,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#) == "Accepted")
        #expect(Self.listedTokens(harness) == ["A", "B"])
        #expect(harness.persisted.contains(.localList(harness.engine.localList)))
        let entries = StandardVariables.localListEntries(capacity: 1000).address
        #expect(harness.command(.variable(entries)) == .variable(VariableSnapshot(
            descriptor: StandardVariables.localListEntries(capacity: 1000), value: "2")))
        #expect(Self.localListVersion(&harness) == .integer(3))
    }

    @Test func TC_D_02_CS_aDifferentialUpdateAddsAndReplacesEntries() {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":2,"updateType":"Differential","localAuthorizationList":[{"idToken":{"idToken":"b","type":"ISO14443"},"idTokenInfo":{"status":"Blocked"}},{"idToken":{"idToken":"C","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}]}"#) == "Accepted")
        #expect(Self.listedTokens(harness) == ["A", "C", "b"])
        #expect(harness.engine.localList.info(for: Self.token("B"))?.status == .blocked)
        #expect(Self.localListVersion(&harness) == .integer(2))
    }

    @Test func TC_D_03_CS_aDifferentialEntryWithoutIdTokenInfoRemovesTheToken() {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":2,"updateType":"Differential","localAuthorizationList":[{"idToken":{"idToken":"A","type":"ISO14443"}}]}"#) == "Accepted")
        #expect(Self.listedTokens(harness) == ["B"])
    }

    @Test func TC_D_04_CS_aFullUpdateWithoutAListEmptiesItAndTakesTheVersion() {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":5,"updateType":"Full"}"#) == "Accepted")
        #expect(Self.listedTokens(harness).isEmpty)
        #expect(Self.localListVersion(&harness) == .integer(5))
    }

    @Test func TC_D_05_CS_anEmptyDifferentialUpdateChangesOnlyTheVersion() {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":2,"updateType":"Differential"}"#) == "Accepted")
        #expect(Self.listedTokens(harness) == ["A", "B"])
        #expect(Self.localListVersion(&harness) == .integer(2))
    }

    @Test func TC_D_06_CS_aDifferentialUpdateNotNewerThanTheListIsAVersionMismatch() {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":4,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":4,"updateType":"Differential","localAuthorizationList":[{"idToken":{"idToken":"A","type":"ISO14443"}}]}"#) == "VersionMismatch")
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":3,"updateType":"Differential"}"#) == "VersionMismatch")
        #expect(Self.listedTokens(harness) == ["A", "B"])
        #expect(Self.localListVersion(&harness) == .integer(4))
    }

    @Test func aListThatCannotBeInstalledIsFailedAndChangesNothing() {
        var harness = Self.registered(localListCapacity: 2)
        _ = Self.sendLocalList(&harness, #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        let refusals = [
            ("version 0 [D01.FR.18]", #"{"versionNumber":0,"updateType":"Full"}"#),
            ("beyond the capacity", #"{"versionNumber":2,"updateType":"Differential","localAuthorizationList":[{"idToken":{"idToken":"C","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}]}"#),
            ("a token twice [D01.FR.06]", #"{"versionNumber":2,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"C","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}},{"idToken":{"idToken":"c","type":"ISO14443"},"idTokenInfo":{"status":"Blocked"}}]}"#),
            ("a Full entry without idTokenInfo", #"{"versionNumber":2,"updateType":"Full","localAuthorizationList":[{"idToken":{"idToken":"C","type":"ISO14443"}}]}"#),
        ]
        for (reason, payload) in refusals {
            #expect(Self.sendLocalList(&harness, payload) == "Failed", "\(reason)")
        }
        #expect(Self.listedTokens(harness) == ["A", "B"])
        #expect(Self.localListVersion(&harness) == .integer(1))
        #expect(harness.persisted.filter { if case .localList = $0 { true } else { false } }.count == 1)
    }

    @Test func moreTokensThanItemsPerMessageIsOccurrenceConstraintViolation() {
        var harness = Self.registered()
        let items = (0...250).map { #"{"idToken":{"idToken":"T\#($0)","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}}"# }
        let send = harness.call("SendLocalList", #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[\#(items.joined(separator: ","))]}"#)
        #expect(harness.errorCode(answering: send) == "OccurrenceConstraintViolation")
    }

    @Test func TC_D_07_CS_theListSurvivesARestart() throws {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":7,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        let stored = harness.persisted.compactMap { if case .localList(let list) = $0 { list } else { nil } }.last
        var restarted = Harness(evses: 1, persisted: PersistedState(localList: try #require(stored)))
        restarted.boot()
        restarted.answerAll()
        #expect(Self.localListVersion(&restarted) == .integer(7))
        #expect(Self.source(restarted.command(.authorize(Self.token("a")))) == .localList)
    }

    @Test func TC_D_09_CS_withoutAListEverSentTheVersionIs0() {
        var harness = Self.registered()
        #expect(Self.localListVersion(&harness) == .integer(0))
    }

    @Test func TC_D_10_CS_aDisabledListReportsVersion0IsNotConsultedAndTakesNoUpdates() {
        var harness = Self.registered()
        _ = Self.sendLocalList(&harness, #"{"versionNumber":2,"updateType":"Full","localAuthorizationList":\#(Self.twoTokens)}"#)
        Self.set(&harness, StandardVariables.localAuthListEnabled, "false")
        #expect(Self.localListVersion(&harness) == .integer(0))
        #expect(harness.command(.authorize(Self.token("A"))) == nil, "the CSMS is asked")
        harness.answerOutstanding(Self.answer("Accepted"))
        #expect(Self.sendLocalList(&harness, #"{"versionNumber":3,"updateType":"Full"}"#) == "Failed")
        #expect(Self.listedTokens(harness) == ["A", "B"])
    }
}
