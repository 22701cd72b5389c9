import HTTPServer
import OCPP16

/// An RFC 9457 problem document, shaped like the charge point API's (same `urn:chargepoint:problem:`
/// types), with extension members that may be any JSON (a CALLERROR's details are an object).
struct Problem: Error, Sendable {
    var status: Int
    var slug: String
    var title: String
    var detail: String
    var extensions: [String: JSONValue] = [:]

    var response: HTTPResponse {
        var members = extensions
        members["type"] = .string("urn:chargepoint:problem:\(slug)")
        members["title"] = .string(title)
        members["status"] = .integer(Int64(status))
        members["detail"] = .string(detail)
        return HTTPResponse(
            status: status, headers: [(name: "Content-Type", value: "application/problem+json")],
            body: Array(JSONValue.object(members).serialized().utf8))
    }

    static func notFound(_ path: String) -> Problem {
        Problem(status: 404, slug: "not-found", title: "Not Found",
                detail: "There is no resource at \(path); see GET /api/v1/stations and POST /api/v1/stations/{identity}/call.")
    }

    static func invalidBody(_ reason: String) -> Problem {
        Problem(status: 422, slug: "invalid-body", title: "Unprocessable Content",
                detail: "The body must be {\"action\": \"<OCPP action>\", \"payload\": {...}}: \(reason).")
    }
}

extension CallOutcome {
    /// The HTTP answer for a CALL's outcome: 200 with the CALLRESULT payload, otherwise a problem.
    func response(identity: String, action: String) -> HTTPResponse {
        switch self {
        case .result(let payload):
            var body = Array(#"{"result":"#.utf8)
            payload.write(into: &body)
            body.append(UInt8(ascii: "}"))
            return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: "application/json")], body: body)
        case .callError(let code, let description, let details):
            return Problem(
                status: 502, slug: "call-error", title: "Bad Gateway",
                detail: "\(identity) answered \(action) with CALLERROR \(code)\(description.isEmpty ? "" : ": \(description)")",
                extensions: ["errorCode": .string(code), "errorDescription": .string(description), "errorDetails": details]
            ).response
        case .timedOut(let after):
            return Problem(
                status: 504, slug: "station-timeout", title: "Gateway Timeout",
                detail: "\(identity) did not answer \(action) within \(after.components.seconds) s.").response
        case .notConnected:
            return Problem.stationNotConnected(identity).response
        case .connectionLost:
            return Problem(
                status: 502, slug: "station-disconnected", title: "Bad Gateway",
                detail: "\(identity) disconnected before answering \(action); it may or may not have acted on it.").response
        case .unknownAction(let version):
            return Problem(
                status: 422, slug: "unknown-action", title: "Unprocessable Content",
                detail: "\(identity) speaks OCPP \(version.rawValue), which has no action '\(action)'; nothing was sent.").response
        case .queueFull(let limit):
            var response = Problem(
                status: 503, slug: "station-busy", title: "Service Unavailable",
                detail: "\(limit) CALLs already wait for \(identity), which answers one at a time; retry later.").response
            response.headers.append((name: "Retry-After", value: "1"))
            return response
        }
    }
}

extension Problem {
    static func stationNotConnected(_ identity: String) -> Problem {
        Problem(status: 404, slug: "station-not-found", title: "Not Found",
                detail: "No station '\(identity)' is connected; GET /api/v1/stations lists the connected ones.")
    }
}
