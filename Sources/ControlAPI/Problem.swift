import ChargePoint
import EngineSupport
import OCPP16

/// An RFC 9457 problem: every error answer of the API, with a `detail` that says what to do about it.
package struct Problem: Error, Sendable, Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    /// Extension members, e.g. the refused AuthorizationStatus.
    var extensions: [String: String] = [:]

    init(_ status: Int, _ slug: String, _ title: String, _ detail: String, extensions: [String: String] = [:]) {
        self.type = "urn:chargepoint:problem:\(slug)"
        self.title = title
        self.status = status
        self.detail = detail
        self.extensions = extensions
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: Key(stringValue: "type"))
        try container.encode(title, forKey: Key(stringValue: "title"))
        try container.encode(status, forKey: Key(stringValue: "status"))
        try container.encode(detail, forKey: Key(stringValue: "detail"))
        for (name, value) in extensions.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: Key(stringValue: name))
        }
    }

    static func notFound(_ path: String) -> Problem {
        Problem(404, "not-found", "Not Found", "There is no resource at \(path); the API lives under /api/v1 (see openapi.yaml).")
    }

    static func invalidJSON(_ reason: String) -> Problem {
        Problem(400, "invalid-json", "Bad Request", "The request body is not valid JSON: \(reason).")
    }

    static func invalidBody(_ error: PayloadError) -> Problem {
        Problem(422, "invalid-body", "Unprocessable Content", "The request body does not fit the schema: \(error.description).")
    }

    static func invalidParameter(_ detail: String) -> Problem {
        Problem(422, "invalid-parameter", "Unprocessable Content", detail)
    }

    // The answers both protocol versions give when the central system cannot answer a call that waits for it.

    static let csmsOffline = Problem(
        409, "csms-offline", "Conflict",
        "The charge point is not connected to the central system; try again once GET /api/v1/status shows link connected.")

    /// `registration` nil before the first BootNotification answer.
    static func notRegistered(_ registration: String?) -> Problem {
        Problem(
            409, "not-registered", "Conflict",
            "The central system has not accepted this charge point (registration \(registration ?? "Unknown")); wait until GET /api/v1/status shows registration Accepted.",
            extensions: ["registration": registration ?? "Unknown"])
    }

    static func csmsError(code: String, description: String) -> Problem {
        Problem(502, "csms-error", "Bad Gateway", "The central system answered with CALLERROR \(code): \(description)", extensions: ["errorCode": code])
    }

    static let csmsTimeout = Problem(504, "csms-timeout", "Gateway Timeout", "The central system did not answer within MessageTimeout.")

    static let restarted = Problem(
        409, "restarted", "Conflict", "The charge point rebooted (Reset) before it could answer; send the request again.")

    /// `reads`: which reads still work meanwhile.
    static func storageUnavailable(_ reason: String, reads: String) -> Problem {
        Problem(503, "storage-unavailable", "Service Unavailable",
                "The charge point cannot store data (\(reason)): make room in its data folder; \(reads) still work and it resumes by itself.")
    }

    static func notReady(_ reason: String) -> Problem {
        Problem(503, "not-ready", "Service Unavailable", reason)
    }

    /// Why a station is not ready to work, whichever protocol it speaks: the link up and the registration
    /// Accepted, checked in that order; `station` nil while it is starting, its `registration` nil before the
    /// first BootNotification answer. Nil when it is ready.
    static func notReady(station: (link: LinkState, registration: String?)?) -> Problem? {
        guard let station else { return .notReady("The charge point is starting.") }
        if station.link != .connected { return .notReady("The link to the central system is \(station.link.rawValue).") }
        guard station.registration == "Accepted" else {
            return .notReady(
                "The central system has not accepted the registration (\(station.registration ?? "no BootNotification answer yet")).")
        }
        return nil
    }
}

extension CommandFailure {
    func problem(connectorCount: Int) -> Problem {
        switch self {
        case .unknownConnector(let id):
            Problem(404, "connector-not-found", "Not Found", "There is no connector \(id): connectors are numbered 1 to \(connectorCount).")
        case .unknownTransaction(let id):
            Problem(404, "transaction-not-found", "Not Found", "There is no transaction with local id \(id) among the ongoing and recent ones.")
        case .connectorBusy(let id, let status):
            Problem(409, "connector-busy", "Conflict", "Connector \(id) is \(status.rawValue) and already has a session: stop it first or use another connector.", extensions: ["connectorStatus": status.rawValue])
        case .connectorInoperative(let id, let status):
            Problem(
                409, "connector-inoperative", "Conflict",
                status == .faulted
                    ? "Connector \(id) is Faulted: clear its fault (POST .../fault with errorCode NoError) first."
                    : "Connector \(id) is \(status.rawValue): make it available (POST .../availability with type Operative) first.",
                extensions: ["connectorStatus": status.rawValue])
        case .configurationRefused(let refusal):
            refusal.problem
        case .restarted:
            .restarted
        case .storageUnavailable(let reason):
            .storageUnavailable(reason, reads: "reads")
        case .connectorReserved(let id):
            Problem(409, "connector-reserved", "Conflict", "Connector \(id) is reserved for another idTag; use another connector or the reserved tag.")
        case .noTransaction(let id):
            Problem(409, "no-transaction", "Conflict", "No transaction runs on connector \(id).")
        case .offline:
            .csmsOffline
        case .offlineStartNotAllowed:
            Problem(409, "offline-start-not-allowed", "Conflict", "The central system is out of reach and AllowOfflineTxForUnknownId is false; set it to true to start transactions offline.")
        case .notRegistered(let status):
            .notRegistered(status?.rawValue)
        case .refused(let status):
            Problem(403, "tag-refused", "Forbidden", "The central system refused the idTag: \(status.rawValue).", extensions: ["authorizationStatus": status.rawValue])
        case .centralSystemError(let code, let description):
            .csmsError(code: code, description: description)
        case .centralSystemTimeout:
            .csmsTimeout
        case .meterWouldDecrease(let current, let requested):
            Problem(422, "meter-decrease", "Unprocessable Content", "energyWh \(decimalText(requested)) is below the register's \(decimalText(current)) Wh: an energy register never decreases.")
        }
    }
}

extension ConfigurationRefusal {
    /// The local operator gets the same answers as ChangeConfiguration gives the CSMS, as HTTP statuses.
    var problem: Problem {
        switch self {
        case .unknownKey(let key):
            Problem(404, "configuration-key-not-found", "Not Found", "'\(key)' is not a configuration key of this charge point; GET /api/v1/configuration lists them.")
        case .readOnly:
            Problem(409, "configuration-read-only", "Conflict", "\(self); it cannot be changed.")
        case .invalidValue, .invalidSecret:
            Problem(422, "configuration-invalid-value", "Unprocessable Content", "\(self).")
        }
    }
}

func decimalText(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
