import OCPP16

/// Where an authorization came from.
public enum AuthorizationSource: String, Sendable, Equatable {
    case centralSystem, localList, cache
}

/// The local authorization list, as SendLocalList maintains it ([CORE] §3.5.3, §5.15). Only the CSMS
/// changes it; idTags compare case-insensitively.
public struct LocalAuthorizationList: Codable, Sendable, Equatable {
    public private(set) var version: Int
    /// By lowercased idTag.
    private var entries: [String: AuthorizationData]

    public init() {
        version = 0
        entries = [:]
    }

    public var count: Int { entries.count }

    /// Sorted by idTag, for the API.
    public var all: [AuthorizationData] { entries.values.sorted { $0.idTag.value < $1.idTag.value } }

    func info(for idTag: IdToken) -> IdTagInfo? { entries[idTag.value.lowercased()]?.idTagInfo }

    /// Applies a SendLocalList; nothing changes unless the answer is Accepted.
    mutating func apply(_ request: SendLocalListRequest, capacity: Int, batchLimit: Int) -> UpdateStatus {
        let items = request.localAuthorizationList ?? []
        let keys = items.map { $0.idTag.value.lowercased() }
        guard request.listVersion > 0, items.count <= batchLimit, Set(keys).count == keys.count else { return .failed }
        var updated: [String: AuthorizationData]
        switch request.updateType {
        case .full:
            guard items.allSatisfy({ $0.idTagInfo != nil }) else { return .failed }
            updated = Dictionary(uniqueKeysWithValues: zip(keys, items))
        case .differential:
            guard request.listVersion > version else { return .versionMismatch }
            updated = entries
            for (key, item) in zip(keys, items) { updated[key] = item.idTagInfo == nil ? nil : item }
        }
        guard updated.count <= capacity else { return .failed }
        entries = updated
        // An empty list reports version 0 ([CORE] §5.10).
        version = updated.isEmpty ? 0 : request.listVersion
        return .accepted
    }
}

/// What the charge point learnt from the CSMS about idTags, to decide locally when it may
/// ([CORE] §3.5.2): valid and invalid entries, the least recently used evicted first when full,
/// invalid ones before valid ones.
public struct AuthorizationCache: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var idTag: IdToken
        public var info: IdTagInfo
        public var lastUsed: Timestamp
    }

    private var entries: [String: Entry] = [:]
    public static let capacity = 1000

    public init(restoring entries: [Entry] = []) {
        for entry in entries { self.entries[entry.idTag.value.lowercased()] = entry }
    }

    public var all: [Entry] { entries.values.sorted { $0.idTag.value < $1.idTag.value } }

    func info(for idTag: IdToken) -> IdTagInfo? { entries[idTag.value.lowercased()]?.info }

    /// Remembers an answer; returns the entries that had to make room.
    mutating func remember(_ idTag: IdToken, _ info: IdTagInfo, at time: Timestamp) -> [Entry] {
        entries[idTag.value.lowercased()] = Entry(idTag: idTag, info: info, lastUsed: time)
        var evicted: [Entry] = []
        while entries.count > Self.capacity {
            let victim = entries.values.min { lhs, rhs in
                let lhsValid = lhs.info.status.isValid, rhsValid = rhs.info.status.isValid
                return lhsValid == rhsValid ? lhs.lastUsed < rhs.lastUsed : !lhsValid
            }!
            entries[victim.idTag.value.lowercased()] = nil
            evicted.append(victim)
        }
        return evicted
    }

    mutating func forget(_ idTag: IdToken) -> Bool {
        entries.removeValue(forKey: idTag.value.lowercased()) != nil
    }

    mutating func clear() { entries = [:] }
}

extension AuthorizationStatus {
    /// In the local list and the cache, Accepted and ConcurrentTx both let a driver charge ([CORE] §4.1).
    var isValid: Bool { self == .accepted || self == .concurrentTx }
}

/// What the charge point knows about an idTag without asking.
enum LocalAuthorization: Equatable {
    case known(IdTagInfo, AuthorizationSource)
    case unknown
}

/// How a start gets its authorization.
enum AuthorizationDecision: Equatable {
    /// With the parent idTag when the local list or cache knows it (reservations may need it).
    case authorized(parent: IdToken?)
    case askCentralSystem
    case refused(AuthorizationStatus)
    case notAllowedOffline
}

extension ChargePointEngine {
    /// The local list beats the cache, and its entries are never cached ([CORE] §3.5). An entry past its
    /// expiryDate counts as Expired.
    func localAuthorization(_ idTag: IdToken) -> LocalAuthorization {
        let found: (IdTagInfo, AuthorizationSource)? =
            if configuration.bool(.localAuthListEnabled), let info = localList.info(for: idTag) {
                (info, .localList)
            } else if configuration.bool(.authorizationCacheEnabled), let info = authorizationCache.info(for: idTag) {
                (info, .cache)
            } else {
                nil
            }
        guard case (var info, let source)? = found else { return .unknown }
        if let expiry = info.expiryDate, expiry <= now.wallClock, info.status.isValid { info.status = .expired }
        return .known(info, source)
    }

    /// Online, a locally valid tag starts at once only with LocalPreAuthorize; anything else asks the
    /// CSMS. Offline, LocalAuthorizeOffline lets known valid tags start, AllowOfflineTxForUnknownId unknown
    /// ones; known invalid tags are refused ([CORE] §4.1, §5.16.2).
    func authorizationDecision(for idTag: IdToken) -> AuthorizationDecision {
        let local = localAuthorization(idTag)
        if isOnline {
            if case .known(let info, _) = local, info.status.isValid, configuration.bool(.localPreAuthorize) {
                return .authorized(parent: info.parentIdTag)
            }
            return .askCentralSystem
        }
        switch local {
        case .known(let info, _) where info.status.isValid:
            return configuration.bool(.localAuthorizeOffline) ? .authorized(parent: info.parentIdTag) : .notAllowedOffline
        case .known(let info, _):
            return .refused(info.status)
        case .unknown:
            return configuration.bool(.allowOfflineTxForUnknownId) ? .authorized(parent: nil) : .notAllowedOffline
        }
    }

    /// Every IdTagInfo from the CSMS updates the cache, except for tags of the local list; an answer that
    /// contradicts the list is reported as a LocalListConflict on connector 0 ([CORE] §3.5.3).
    mutating func remember(_ idTag: IdToken, _ info: IdTagInfo) {
        if let listed = localList.info(for: idTag) {
            if listed.status != info.status { reportLocalListConflict(idTag) }
            return
        }
        guard configuration.bool(.authorizationCacheEnabled) else { return }
        let evicted = authorizationCache.remember(idTag, info, at: now.wallClock)
        persist(.saveCacheEntry(AuthorizationCache.Entry(idTag: idTag, info: info, lastUsed: now.wallClock)))
        for entry in evicted { persist(.deleteCacheEntry(entry.idTag)) }
    }

    private mutating func reportLocalListConflict(_ idTag: IdToken) {
        logger.warning("the central system's answer for \(idTag) contradicts the local list")
        guard isOnline else { return }
        let report = statusReport(0)
        enqueue(
            StatusNotificationRequest(
                connectorId: 0, errorCode: .localListConflict, info: CiString<50>("idTag \(idTag) conflicts with the local list"),
                status: report.status, timestamp: now.wallClock),
            purpose: .informational)
    }
}

/// Saved at every answer that carries an IdTagInfo: written directly.
extension AuthorizationCache.Entry: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("idTag", idTag)
        object.member("info", info)
        object.member("lastUsed", lastUsed)
    }
}
