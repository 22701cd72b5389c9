/// One HTTP request, complete with its body.
public struct HTTPRequest: Sendable {
    /// The method exactly as sent: "GET", "POST", "HEAD", ...
    public var method: String
    /// The path as sent, still percent-encoded, without the query string, e.g. "/api/v1/connectors/1".
    /// Decode it segment by segment (`percentDecoded`), so that an encoded "/" stays inside its segment.
    public var path: String
    /// Decoded query arguments ("+" is a space); for a repeated name the last value wins;
    /// a name without "=" maps to "".
    public var query: [String: String]
    /// Request headers with lowercased names; repeated headers are joined with ", ". Only those named in
    /// `HTTPServerConfiguration.requestHeaders` when it is set.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:],
                headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// A complete (non-streaming) response. MHD adds Content-Length (and Date); for HEAD it sends the
/// headers only. A caller-supplied Content-Length header is ignored.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = asciiLowercased(name)
        return headers.first { asciiLowercased($0.name) == wanted }?.value
    }

    /// An RFC 9457 problem document (`application/problem+json`).
    /// `type` is a URI such as "urn:chargepoint:problem:body-too-large".
    public static func problem(status: Int, type: String, title: String, detail: String,
                               headers: [(name: String, value: String)] = []) -> HTTPResponse {
        var json = "{\"type\":"
        json += jsonString(type)
        json += ",\"title\":"
        json += jsonString(title)
        json += ",\"status\":\(status),\"detail\":"
        json += jsonString(detail)
        json += "}"
        return HTTPResponse(status: status,
                            headers: [(name: "Content-Type", value: "application/problem+json")] + headers,
                            body: Array(json.utf8))
    }
}

/// How a request was answered; see `HTTPResponder.init(onAnswer:)`.
public enum HTTPAnswer: Sendable {
    case response(HTTPResponse)
    case stream(status: Int, headers: [(name: String, value: String)], stream: HTTPStream)
}

// MARK: - small helpers (no Foundation)

@inline(__always) func asciiLowercased(_ text: String) -> String {
    if !text.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) { return text }
    return String(decoding: text.utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }, as: UTF8.self)
}

func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out += "\""
    return out
}
