import HTTPServer
import OCPPJ
import Threads

/// The REST API v1 (openapi.yaml). This type holds what does not depend on the OCPP version the station
/// speaks — access checks, the page, routes and their methods, health, the frame log, problem answers —
/// and hands every other route to the station's resources (`ChargePointResources` for 1.6,
/// `Station201Resources` for 2.0.1). It keeps no state of its own.
public final class ControlAPI: Sendable {
    private let events: EventHub
    private let telemetry: Telemetry
    private let page: StaticFiles
    private let access: APIAccess
    private let resources: any StationResources

    package init(
        resources: any StationResources, events: EventHub, telemetry: Telemetry, page: StaticFiles,
        access: APIAccess = APIAccess(token: nil)
    ) {
        self.resources = resources
        self.events = events
        self.telemetry = telemetry
        self.page = page
        self.access = access
    }

    /// The station as its status resource shows it, from what it last published.
    package var station: StationResource? { resources.station() }

    /// Why the station is not ready to work; nil when it is.
    package var readiness: Problem? { resources.readiness() }

    /// Every request header the API reads; the server copies no other (`HTTPServerConfiguration.requestHeaders`).
    public static let requestHeaders = ["host", "origin", "authorization", "last-event-id"]

    public func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        // Parsed once: the metrics need the route's template, and serving needs the problem when there is none.
        let parsed = Result { () throws(Problem) in try Route(path: request.path) }
        let route = try? parsed.get()
        let started = monotonicUptime()
        let telemetry = telemetry
        let measured = HTTPResponder { answer in
            let status: Int
            switch answer {
            case .response(let response):
                status = response.status
                responder.respond(response)
            case .stream(let code, let headers, let stream):
                status = code
                responder.respondWithStream(status: code, headers: headers, stream: stream)
            }
            telemetry.recordHTTP(
                route: route?.template ?? "(unmatched)", method: request.method, status: status,
                duration: monotonicUptime() - started)
        }
        serve(request, route: parsed, measured)
    }

    private func serve(_ request: HTTPRequest, route parsed: Result<Route, Problem>, _ responder: HTTPResponder) {
        let file = request.method == "GET" || request.method == "HEAD" ? page.response(for: request.path) : nil
        if let answer = access.answerBeforeRouting(request, route: try? parsed.get(), file: file) {
            responder.respond(answer)
            return
        }
        do {
            let route = try parsed.get()
            let method = request.method == "HEAD" ? "GET" : request.method
            guard route.methods.contains(method) else {
                responder.respond(Self.methodNotAllowed(request, allowed: route.methods))
                return
            }
            try dispatch(route, request, responder)
        } catch {
            responder.respond(Self.problem(error))
        }
    }

    private func dispatch(_ route: Route, _ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        switch route {
        case .health:
            responder.respond(Self.json(200, Health()))
        case .readiness:
            if let problem = resources.readiness() {
                responder.respond(Self.problem(problem))
            } else {
                responder.respond(Self.json(200, Health(status: "ready")))
            }
        case .contract:
            responder.respond(StaticFiles.contract)
        case .messages:
            let limit = try Self.limit(request.query["limit"], default: 200)
            responder.respond(Self.json(200, FrameList(messages: events.recentFrames(limit: limit))))
        default:
            try resources.dispatch(route, request, responder)
        }
    }

    // MARK: - Bodies and parameters

    /// An empty body reads as `{}`, so a missing required field is reported as such.
    static func decode<Body: Decodable>(_ type: Body.Type, _ bytes: [UInt8]) throws(Problem) -> Body {
        let value: JSONValue
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            value = .object([:])
        } else {
            do {
                value = try JSONValue.parse(bytes)
            } catch {
                throw .invalidJSON(error.description)
            }
        }
        do {
            return try StrictJSON.decode(Body.self, from: value)
        } catch {
            throw .invalidBody(error)
        }
    }

    static func limit(_ text: String?, default fallback: Int = 50) throws(Problem) -> Int {
        try integer(text, name: "limit", in: 1...1000, default: fallback)
    }

    static func integer(_ text: String?, name: String, in range: ClosedRange<Int>, default fallback: Int) throws(Problem) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidParameter("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'.")
        }
        return value
    }

    // MARK: - Responses

    static func json(_ status: Int, _ value: some Encodable) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [(name: "Content-Type", value: "application/json")], body: JSONWriter.encode(value))
    }

    /// 405 with the `Allow` header.
    static func methodNotAllowed(_ request: HTTPRequest, allowed: [String]) -> HTTPResponse {
        let list = allowed.joined(separator: ", ")
        var response = problem(
            Problem(405, "method-not-allowed", "Method Not Allowed", "\(request.path) accepts \(list), not \(request.method)."))
        response.headers.append((name: "Allow", value: list))
        return response
    }

    static func problem(_ problem: Problem) -> HTTPResponse {
        HTTPResponse(
            status: problem.status, headers: [(name: "Content-Type", value: "application/problem+json")],
            body: JSONWriter.encode(problem))
    }
}

/// The API's resources, parsed from the path alone so that 404 and 405 are told apart.
package enum Route: Equatable, Sendable {
    package enum ConnectorAction: String, Sendable {
        case start, stop, plug, unplug, meter, fault, availability, unlock
        case compositeSchedule = "composite-schedule"
        case externalLimit = "external-limit"
    }

    case health
    case readiness
    case contract
    case status
    case connectors
    case connector(String)
    case connectorAction(String, ConnectorAction)
    case authorize
    case transactions
    case transaction(String)
    case configuration
    case configurationKey(String)
    case messages
    case events
    case metrics
    case reset
    case trigger
    case localList
    case reservations
    case chargingProfiles
    case firmware
    case securityEvents
    case display
    case monitoring

    /// Found by one hash of the path, not by comparing it with each route in turn.
    private static let withoutParameters: [String: Route] = [
        "/healthz": .health, "/readyz": .readiness, "/openapi.yaml": .contract, "/metrics": .metrics,
        "/api/v1/status": .status, "/api/v1/connectors": .connectors, "/api/v1/authorize": .authorize,
        "/api/v1/reset": .reset, "/api/v1/trigger": .trigger, "/api/v1/local-list": .localList,
        "/api/v1/reservations": .reservations, "/api/v1/charging-profiles": .chargingProfiles,
        "/api/v1/firmware": .firmware, "/api/v1/security-events": .securityEvents,
        "/api/v1/transactions": .transactions, "/api/v1/configuration": .configuration,
        "/api/v1/messages": .messages, "/api/v1/events": .events, "/api/v1/display": .display,
        "/api/v1/monitors": .monitoring,
    ]

    init(path: String) throws(Problem) {
        // Most requests name a route as it is written: no splitting, decoding or joining for them.
        if let route = Self.withoutParameters[path] {
            self = route
            return
        }
        // Split on bytes and decode only segments with an escape: this runs for every request.
        var segments: [String] = []
        for raw in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let segment = String(decoding: raw, as: UTF8.self)
            guard raw.contains(UInt8(ascii: "%")) else {
                segments.append(segment)
                continue
            }
            guard let decoded = percentDecoded(segment) else { throw .notFound(path) }
            segments.append(decoded)
        }
        if segments.first == "" { segments.removeFirst() }
        if segments.count > 1, segments.last == "" { segments.removeLast() }
        if let route = Self.withoutParameters["/" + segments.joined(separator: "/")] {
            self = route
            return
        }
        guard segments.count >= 4, segments[0] == "api", segments[1] == "v1" else { throw .notFound(path) }
        switch (segments[2], segments.count) {
        case ("connectors", 4):
            self = .connector(segments[3])
        case ("connectors", 5):
            guard let action = ConnectorAction(rawValue: segments[4]) else { throw .notFound(path) }
            self = .connectorAction(segments[3], action)
        case ("transactions", 4):
            self = .transaction(segments[3])
        case ("configuration", 4):
            self = .configurationKey(segments[3])
        default:
            throw .notFound(path)
        }
    }

    var methods: [String] {
        switch self {
        case .health, .readiness, .contract, .status, .connectors, .connector, .transactions, .transaction, .configuration, .messages, .events,
            .metrics, .localList, .reservations, .chargingProfiles, .firmware, .display, .monitoring,
            .connectorAction(_, .compositeSchedule):
            ["GET"]
        case .securityEvents: ["GET", "POST"]
        case .configurationKey: ["GET", "PUT"]
        case .authorize, .reset, .trigger: ["POST"]
        case .connectorAction(_, .meter): ["PUT"]
        case .connectorAction(_, .externalLimit): ["PUT", "DELETE"]
        case .connectorAction: ["POST"]
        }
    }
}

extension Route {
    /// The route with its parameters left as placeholders: a metrics label of bounded cardinality.
    var template: String {
        switch self {
        case .health: "/healthz"
        case .readiness: "/readyz"
        case .contract: "/openapi.yaml"
        case .metrics: "/metrics"
        case .status: "/api/v1/status"
        case .connectors: "/api/v1/connectors"
        case .connector: "/api/v1/connectors/{id}"
        case .connectorAction(_, let action): "/api/v1/connectors/{id}/\(action.rawValue)"
        case .authorize: "/api/v1/authorize"
        case .reset: "/api/v1/reset"
        case .trigger: "/api/v1/trigger"
        case .localList: "/api/v1/local-list"
        case .reservations: "/api/v1/reservations"
        case .chargingProfiles: "/api/v1/charging-profiles"
        case .firmware: "/api/v1/firmware"
        case .securityEvents: "/api/v1/security-events"
        case .display: "/api/v1/display"
        case .monitoring: "/api/v1/monitors"
        case .transactions: "/api/v1/transactions"
        case .transaction: "/api/v1/transactions/{id}"
        case .configuration: "/api/v1/configuration"
        case .configurationKey: "/api/v1/configuration/{key}"
        case .messages: "/api/v1/messages"
        case .events: "/api/v1/events"
        }
    }
}
