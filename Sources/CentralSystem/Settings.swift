import OCPP16
import Transport

/// How the central system answers, fixed at start from the command line.
public struct CentralSystemSettings: Sendable {
    /// The status every BootNotification gets.
    public var bootStatus: RegistrationStatus
    /// The `interval` of BootNotification.conf: the heartbeat interval when Accepted, the retry
    /// interval when Pending or Rejected.
    public var heartbeatInterval: Int
    public var tags: TagPolicy
    /// Identities allowed to connect; nil admits any.
    public var identities: Set<String>?
    /// How long a CALL sent for an API caller may stay unanswered before the caller gets a timeout.
    public var callTimeout: Duration
    /// API CALLs that may wait behind the one in flight, per station; more are refused.
    public var maximumQueuedCalls: Int
    /// The Basic-auth password charge points must send (security profiles 1 and 2); nil asks for none.
    public var authorizationKey: String?

    public init(
        bootStatus: RegistrationStatus = .accepted, heartbeatInterval: Int = 300, tags: TagPolicy = .acceptAll,
        identities: Set<String>? = nil, callTimeout: Duration = .seconds(30), maximumQueuedCalls: Int = 256,
        authorizationKey: String? = nil
    ) {
        self.authorizationKey = authorizationKey
        self.bootStatus = bootStatus
        self.heartbeatInterval = heartbeatInterval
        self.tags = tags
        self.identities = identities
        self.callTimeout = callTimeout
        self.maximumQueuedCalls = maximumQueuedCalls
    }

    /// The items of a comma-separated option value (`--accept-tags`, `--identities`), trimmed, blanks dropped.
    public static func commaSeparated(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingASCIISpaces() }.filter { !$0.isEmpty }
    }

    /// Whether a charge point with this identity may connect (checked at the websocket handshake).
    public func admits(identity: String) -> Bool {
        identities?.contains(identity) ?? true
    }

    /// A verified client certificate must name the identity (profile 3); otherwise, with a key set, Basic
    /// auth must (profiles 1 and 2). The password may be the key as written or the bytes its hex digits
    /// encode, since charge points differ there.
    public func authenticates(_ credentials: HandshakeCredentials) -> Bool {
        if let commonName = credentials.clientCertificateCommonName { return commonName == credentials.identity }
        guard let authorizationKey else { return true }
        guard let basic = credentials.basicAuth, basic.user == credentials.identity else { return false }
        return AuthorizationKeyEncoding.allCases.contains { $0.password(for: authorizationKey) == basic.password }
    }
}

/// Which idTags (1.6) and idTokens (2.0.1) are Accepted; every other tag is Invalid.
public enum TagPolicy: Sendable, Equatable {
    case acceptAll
    /// Tags in ASCII lower case, since OCPP compares idTags case-insensitively.
    case accept(Set<String>)

    /// Builds the policy from list items (the comma-separated `--accept-tags` and the lines of
    /// `--tags-file`): a `*` item accepts every tag; blank items and `#` comment lines are skipped.
    public init(items: some Sequence<some StringProtocol>) {
        var tags: Set<String> = []
        for item in items {
            let tag = item.trimmingASCIISpaces()
            if tag.isEmpty || tag.hasPrefix("#") { continue }
            if tag == "*" {
                self = .acceptAll
                return
            }
            tags.insert(TagPolicy.folded(tag))
        }
        self = .accept(tags)
    }

    /// The one tag rule: 1.6's idTag and 2.0.1's idToken (whatever its type) are both checked by their text.
    public func accepts(_ tag: some StringProtocol) -> Bool {
        switch self {
        case .acceptAll: true
        case .accept(let tags): tags.contains(TagPolicy.folded(tag))
        }
    }

    public func status(of idTag: IdToken) -> AuthorizationStatus {
        accepts(idTag.value) ? .accepted : .invalid
    }

    static func folded(_ tag: some StringProtocol) -> String {
        String(decoding: tag.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
