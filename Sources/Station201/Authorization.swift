import EngineSupport
import OCPP201

/// How the local list and the cache tell tokens apart: the value case-insensitively, and the type
/// [C01.FR.25]; `additionalInfo` takes no part.
public struct IdTokenKey: Sendable, Hashable {
    public var value: String
    public var type: IdTokenEnumType

    public init(_ token: IdToken) {
        value = token.idToken.value.lowercased()
        type = token.type
    }
}

/// Where an authorization answer came from.
public enum AuthorizationSource: String, Sendable, Equatable {
    case centralSystem, localList, cache
}

/// What the station says of a token, and who said it.
public struct AuthorizationAnswer: Sendable, Equatable {
    public var idToken: IdToken
    public var info: IdTokenInfo
    public var source: AuthorizationSource
}

/// The local authorization list as SendLocalList maintains it ([D01]): only the CSMS changes it, and a
/// request changes it entirely or not at all.
public struct LocalAuthorizationList: Codable, Sendable, Equatable {
    /// 0 until the first SendLocalList is accepted [D02.FR.02].
    public private(set) var version: Int
    public private(set) var entries: [AuthorizationData]

    public init(version: Int = 0, entries: [AuthorizationData] = []) {
        self.version = version
        self.entries = entries
    }

    func info(for token: IdToken) -> IdTokenInfo? {
        let key = IdTokenKey(token)
        return entries.first { IdTokenKey($0.idToken) == key }?.idTokenInfo
    }

    /// Applies a SendLocalList; nothing changes unless the answer is Accepted. A version of 0 or less is
    /// Failed, as libocpp answers it [D01.FR.18]; so are a repeated token [D01.FR.06], a Full entry without
    /// idTokenInfo, and a list beyond `capacity`.
    mutating func apply(_ request: SendLocalListRequest, capacity: Int) -> SendLocalListStatus {
        let items = request.localAuthorizationList ?? []
        let keys = items.map { IdTokenKey($0.idToken) }
        guard request.versionNumber > 0, Set(keys).count == keys.count else { return .failed }
        var updated: [AuthorizationData]
        switch request.updateType {
        case .full:
            // Replaces the list; without entries it empties it [D01.FR.04].
            guard items.allSatisfy({ $0.idTokenInfo != nil }) else { return .failed }
            updated = items
        case .differential:
            guard request.versionNumber > version else { return .versionMismatch }
            // With idTokenInfo an entry is added or replaced, without it removed [D01.FR.16/17].
            let changed = Set(keys)
            updated = entries.filter { !changed.contains(IdTokenKey($0.idToken)) } + items.filter { $0.idTokenInfo != nil }
        }
        guard updated.count <= capacity else { return .failed }
        entries = updated
        // The version is the request's, also for an empty list [D01.FR.05/15].
        version = request.versionNumber
        return .accepted
    }
}

/// One token the cache remembers: the CSMS's latest IdTokenInfo for it and when that arrived.
public struct AuthorizationCacheEntry: Codable, Sendable, Equatable {
    public var idToken: IdToken
    public var info: IdTokenInfo
    public var updatedAt: Timestamp

    public init(idToken: IdToken, info: IdTokenInfo, updatedAt: Timestamp) {
        self.idToken = idToken
        self.info = info
        self.updatedAt = updatedAt
    }

    /// cacheExpiryDateTime when the CSMS gave one, otherwise `lifeTime` seconds after the last update
    /// [C10.FR.08].
    func expiry(lifeTime: Int) -> Timestamp {
        info.cacheExpiryDateTime
            ?? Timestamp(millisecondsSince1970: updatedAt.millisecondsSince1970 + Int64(lifeTime) * 1000)
    }
}

/// The authorization cache ([C10], [C11]): what the CSMS last said of each token, any status.
struct AuthorizationCache: Sendable {
    let capacity: Int
    private(set) var entries: [IdTokenKey: AuthorizationCacheEntry] = [:]

    init(capacity: Int, restoring restored: [AuthorizationCacheEntry]) {
        self.capacity = capacity
        for entry in restored { entries[IdTokenKey(entry.idToken)] = entry }
    }

    /// The entry for `token` unless it has expired.
    func entry(for token: IdToken, at now: Timestamp, lifeTime: Int) -> AuthorizationCacheEntry? {
        guard let entry = entries[IdTokenKey(token)], entry.expiry(lifeTime: lifeTime) > now else { return nil }
        return entry
    }

    /// Adds or replaces an entry; returns the tokens evicted to make room: those not Accepted first, then
    /// the least recently updated [C10.FR.07].
    mutating func remember(_ entry: AuthorizationCacheEntry) -> [IdTokenKey] {
        entries[IdTokenKey(entry.idToken)] = entry
        var evicted: [IdTokenKey] = []
        while entries.count > capacity, let victim = entries.min(by: { Self.evictedBefore($0.value, $1.value) })?.key {
            entries[victim] = nil
            evicted.append(victim)
        }
        return evicted
    }

    private static func evictedBefore(_ lhs: AuthorizationCacheEntry, _ rhs: AuthorizationCacheEntry) -> Bool {
        let lhsAccepted = lhs.info.status == .accepted, rhsAccepted = rhs.info.status == .accepted
        return lhsAccepted == rhsAccepted ? lhs.updatedAt < rhs.updatedAt : !lhsAccepted
    }

    /// True when there was an entry to forget.
    mutating func forget(_ key: IdTokenKey) -> Bool {
        entries.removeValue(forKey: key) != nil
    }

    mutating func clear() {
        entries = [:]
    }
}

extension StationEngine {
    /// What the station knows of a token without asking: the local list beats the cache [C13.FR.01], and a
    /// token the list holds is never looked up in the cache. A list entry past its cacheExpiryDateTime reads
    /// Expired; an expired cache entry is not there.
    func localAuthorization(_ token: IdToken) -> (IdTokenInfo, AuthorizationSource)? {
        if deviceModel.boolean(StandardVariables.localAuthListEnabled), var info = localList.info(for: token) {
            if info.status == .accepted, let expiry = info.cacheExpiryDateTime, expiry <= now.wallClock {
                info.status = .expired
            }
            return (info, .localList)
        }
        if deviceModel.boolean(StandardVariables.authCacheEnabled),
           let entry = authorizationCache.entry(
               for: token, at: now.wallClock, lifeTime: deviceModel.integer(StandardVariables.authCacheLifeTime))
        {
            return (entry.info, .cache)
        }
        return nil
    }

    /// `POST /authorize`: the answer now, or nil when the CSMS is asked and its answer goes to `reply`.
    /// Online, a locally Accepted token is answered at once when LocalPreAuthorize is true [C12.FR.02,
    /// C14.FR.02], anything else asks the CSMS [C01.FR.02, C14.FR.03]; offline, whatever the list or the
    /// cache knows is answered when LocalAuthorizeOffline is true [C13].
    mutating func authorize(_ token: IdToken, reply: ReplyID) -> CommandResult? {
        let online = link == .connected
        if online, !registration.isAccepted { return .failed(.notRegistered(registration.status)) }
        if let (info, source) = localAuthorization(token),
           online
            ? info.status == .accepted && deviceModel.boolean(StandardVariables.localPreAuthorize)
            : deviceModel.boolean(StandardVariables.localAuthorizeOffline)
        {
            return .authorization(AuthorizationAnswer(idToken: token, info: info, source: source))
        }
        guard online else { return .failed(.offline) }
        outbox.enqueue(AuthorizeRequest(idToken: token), purpose: .authorize(reply, token))
        return nil
    }

    /// The CSMS's answer to `POST /authorize`: remembered, and handed to the caller.
    mutating func authorizationArrived(_ info: IdTokenInfo, for token: IdToken, reply: ReplyID) {
        remember(info, for: token)
        emit(.reply(reply, .authorization(AuthorizationAnswer(idToken: token, info: info, source: .centralSystem))))
    }

    /// What the CSMS says of a token (AuthorizeResponse, TransactionEventResponse) is cached whatever its
    /// status [C10.FR.01/04/05], unless the cache is disabled, the token is of type Central [C05.FR.02], or
    /// cacheExpiryDateTime has already passed, which also drops an older entry.
    mutating func remember(_ info: IdTokenInfo, for token: IdToken) {
        guard deviceModel.boolean(StandardVariables.authCacheEnabled), token.type != .central else { return }
        if let expiry = info.cacheExpiryDateTime, expiry <= now.wallClock {
            if authorizationCache.forget(IdTokenKey(token)) { persist(.cacheEntryRemoved(IdTokenKey(token))) }
        } else {
            let entry = AuthorizationCacheEntry(idToken: token, info: info, updatedAt: now.wallClock)
            let evicted = authorizationCache.remember(entry)
            for key in evicted { persist(.cacheEntryRemoved(key)) }
            // A full cache of Accepted tokens makes room by evicting the new entry when it is not Accepted.
            if !evicted.contains(IdTokenKey(token)) { persist(.cacheEntry(entry)) }
        }
    }

    /// The link dropped: an API caller whose Authorize still waits in the queue learns now that the CSMS is
    /// out of reach, rather than after the next connection.
    mutating func abandonQueuedAuthorizations() {
        let dropped = outbox.dropQueued { call in
            switch call.purpose {
            case .authorize, .authorizeStart: true
            default: false
            }
        }
        for call in dropped {
            switch call.purpose {
            case .authorize(let reply, _): authorizationFailed(.linkLost, reply: reply)
            case .authorizeStart(let index, let pending): startAuthorizationFailed(.linkLost, index, pending)
            default: break
            }
        }
    }

    mutating func authorizationFailed(_ failure: CallFailure, reply: ReplyID) {
        emit(.reply(reply, .failed(failure.commandFailure)))
    }
}

extension CallFailure {
    /// What an API caller hears when the CSMS could not answer.
    var commandFailure: CommandFailure {
        switch self {
        case .callError(let code, let description): .centralSystemError(code: code, description: description)
        case .unreadableAnswer(let reason): .centralSystemError(code: "FormatViolation", description: reason)
        case .timeout: .centralSystemTimeout
        case .linkLost: .offline
        }
    }
}
