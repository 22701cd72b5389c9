import HTTPServer
import OCPP16

/// The central system's REST API: which stations are connected, and a way for scripts to send any
/// CALL to one of them and get its answer.
///
/// - `GET /healthz` → `{"status":"ok"}`
/// - `GET /api/v1/stations` → `{"stations":[{"identity","ocppVersion","connectedSince","registration","transactions"}]}`
/// - `POST /api/v1/stations/{identity}/call` with `{"action": "...", "payload": {...}}` → 200
///   `{"result": {...}}`, or a problem: 502 (CALLERROR, with `errorCode`, `errorDescription`,
///   `errorDetails`; or the station went away mid-call), 404 (not connected), 422 (bad body, or an action
///   that is not one of a 2.0.1 station's), 503 (queue full), 504 (no answer within the call timeout).
///
/// A station answers one CALL at a time, so concurrent calls for one station queue in arrival order
/// (up to `maximumQueuedCalls`); each call's timeout starts when it goes on the wire.
struct StationAPI: Sendable {
    let driver: EngineDriver

    private enum Route {
        case health
        case stations
        case call(identity: String)

        /// `path` arrives percent-encoded; the identity is decoded on its own, so `%2F` stays in it.
        init(path: String) throws(Problem) {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            switch Array(segments) {
            case ["healthz"]: self = .health
            case ["api", "v1", "stations"], ["api", "v1", "stations", ""]: self = .stations
            case let parts where parts.count == 5 && parts[0...2] == ["api", "v1", "stations"] && parts[4] == "call":
                guard !parts[3].isEmpty, let identity = percentDecoded(String(parts[3])) else { throw .notFound(path) }
                self = .call(identity: identity)
            default:
                throw .notFound(path)
            }
        }

        var methods: [String] {
            switch self {
            case .health, .stations: ["GET", "HEAD"]
            case .call: ["POST"]
            }
        }
    }

    /// The call body. A missing payload means `{}`, what most CS→CP actions without fields need.
    private struct CallBody: Decodable {
        var action: String
        var payload: JSONValue?
    }

    func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        do {
            let route = try Route(path: request.path)
            guard route.methods.contains(request.method) else {
                let allowed = route.methods.joined(separator: ", ")
                var response = Problem(
                    status: 405, slug: "method-not-allowed", title: "Method Not Allowed",
                    detail: "\(request.path) accepts \(allowed), not \(request.method).").response
                response.headers.append((name: "Allow", value: allowed))
                responder.respond(response)
                return
            }
            switch route {
            case .health:
                responder.respond(Self.json(.object(["status": .string("ok")])))
            case .stations:
                responder.respond(Self.json(.object(["stations": .array(driver.stations.map(Self.resource))])))
            case .call(let identity):
                let (action, payload) = try Self.decodeCall(request.body)
                driver.call(identity: identity, action: action, payload: payload) { outcome in
                    responder.respond(outcome.response(identity: identity, action: action))
                }
            }
        } catch {
            responder.respond(error.response)
        }
    }

    private static func decodeCall(_ bytes: [UInt8]) throws(Problem) -> (action: String, payload: JSONValue) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw .invalidBody("it is not JSON (\(error))")
        }
        let body: CallBody
        do {
            body = try StrictJSON.decode(CallBody.self, from: value)
        } catch {
            throw .invalidBody(error.description)
        }
        guard !body.action.isEmpty else { throw .invalidBody("action is empty") }
        let payload = body.payload ?? .object([:])
        guard case .object = payload else { throw .invalidBody("payload must be an object") }
        return (body.action, payload)
    }

    private static func resource(_ station: StationSummary) -> JSONValue {
        .object([
            "identity": .string(station.identity),
            "ocppVersion": .string(station.ocppVersion.rawValue),
            "connectedSince": .string(station.connectedSince.iso8601),
            "registration": station.registration.map { .string($0.rawValue) } ?? .null,
            "transactions": .array(station.transactions.map { .integer(Int64($0)) }),
        ])
    }

    private static func json(_ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "application/json")],
                     body: Array(value.serialized().utf8))
    }
}
