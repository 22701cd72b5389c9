import HTTPServer

/// Who may use the API, checked before a request is routed. `/healthz` and `/readyz` are open to everyone
/// (probes seldom carry credentials; they tell only whether the station works, and why not).
///
/// - With a token, every other request needs `Authorization: Bearer <token>` (compared in constant
///   time), except the web page's files and `GET /openapi.yaml` (the contract built in), which hold no data. `GET /api/v1/events` also takes the token
///   as `?access_token=`, because a browser's EventSource cannot send headers.
/// - Without a token the service listens on loopback only (the executable refuses anything else), and it
///   answers only requests addressed to a loopback name: a page on another name that resolves to
///   127.0.0.1 (DNS rebinding) gets 403.
/// - Cross-origin requests are never served: no `Access-Control-Allow-Origin` is ever sent, and a POST,
///   PUT, PATCH or DELETE (or a CORS preflight) from a page of another origin is refused with 403, so a
///   foreign page cannot make the charge point act (CSRF).
public struct APIAccess: Sendable {
    private let token: [UInt8]?

    /// `token`: the bearer token every request needs, or nil for none (loopback only).
    public init(token: [UInt8]?) {
        self.token = token
    }

    /// What answers a request before any route does: its refusal, or else the page's `file` it asks for; nil
    /// when neither, and a route is to answer.
    func answerBeforeRouting(_ request: HTTPRequest, route: Route?, file: HTTPResponse?) -> HTTPResponse? {
        refusal(for: request, route: route, isStaticFile: file != nil) ?? file
    }

    /// nil when the request may go on, else the answer that refuses it.
    func refusal(for request: HTTPRequest, route: Route?, isStaticFile: Bool) -> HTTPResponse? {
        if route == .health || route == .readiness { return nil }
        if token == nil, let host = request.headers["host"], !isLoopbackHostHeader(host) {
            return ControlAPI.problem(Problem(
                403, "host-not-allowed", "Forbidden",
                "Without an API token this service answers only requests addressed to 127.0.0.1, [::1] or localhost; "
                    + "start it with --api-token-file (CP_API_TOKEN_FILE) to serve it under another name."))
        }
        if let origin = request.headers["origin"], Self.isCrossSite(request, origin: origin) {
            return ControlAPI.problem(Problem(
                403, "cross-origin", "Forbidden",
                "Requests from pages of another origin (\(origin)) may not change anything here, and cross-origin "
                    + "requests are not supported; use the page this service serves, or a client that sends no Origin."))
        }
        if isStaticFile || route == .contract { return nil }
        guard let token else { return nil }
        let presented = Self.bearerToken(request.headers["authorization"])
            ?? (route == .events ? request.query["access_token"] : nil)
        guard let presented else {
            return Self.unauthorized(
                "This API needs a token: send the header `Authorization: Bearer <token>` with the token the service "
                    + "was started with (--api-token-file, CP_API_TOKEN_FILE or CP_API_TOKEN).",
                challenge: #"Bearer realm="chargepoint""#)
        }
        guard constantTimeEquals(Array(presented.utf8), token) else {
            return Self.unauthorized(
                "The token is not the one this service was started with; send `Authorization: Bearer <token>` "
                    + "with the right token.",
                challenge: #"Bearer realm="chargepoint", error="invalid_token""#)
        }
        return nil
    }

    /// A preflight (OPTIONS), or a method that changes state, sent by a page whose origin is not this
    /// service's own (`http://` or `https://` and the Host the request was sent to). A request without
    /// `Origin` does not come from a cross-origin page and goes on.
    private static func isCrossSite(_ request: HTTPRequest, origin: String) -> Bool {
        switch request.method {
        case "OPTIONS":
            return true
        case "POST", "PUT", "PATCH", "DELETE":
            guard let host = request.headers["host"] else { return true }
            let lowered = asciiLower(origin)
            let ownHost = asciiLower(host)
            return lowered != "http://" + ownHost && lowered != "https://" + ownHost
        default:
            return false
        }
    }

    /// The token of `Authorization: Bearer <token>` (scheme case-insensitive), nil for anything else.
    private static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, asciiLower(String(parts[0])) == "bearer" else { return nil }
        var token = Substring(parts[1])
        while token.first == " " { token.removeFirst() }
        while token.last == " " { token.removeLast() }
        return token.isEmpty ? nil : String(token)
    }

    private static func unauthorized(_ detail: String, challenge: String) -> HTTPResponse {
        var response = ControlAPI.problem(Problem(401, "unauthorized", "Unauthorized", detail))
        response.headers.append((name: "WWW-Authenticate", value: challenge))
        return response
    }

    private static func asciiLower(_ text: String) -> String {
        String(decoding: text.utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
