/// URL text handling without Foundation: scheme check, redaction for logs, upload URL building.
enum URLText {
    /// The lowercased scheme before "://", or nil if the text has no valid scheme.
    static func scheme(of url: String) -> String? {
        guard let separator = url.utf8.firstRange(of: "://".utf8) else { return nil }
        let scheme = url.utf8[..<separator.lowerBound]
        guard let first = scheme.first, isLetter(first),
              scheme.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "+")
                  || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else { return nil }
        return String(decoding: scheme.map { $0 | 0x20 }, as: UTF8.self)  // ASCII lowercase
    }

    /// Splits "scheme://authority/path?query#fragment". Without "://" the whole text is taken as
    /// authority + path (so "user:pw@host/x" is still redacted).
    struct Parts {
        var prefix: Substring      // "scheme://" or ""
        var authority: Substring   // "user:pw@host:port"
        var path: Substring        // "/dir/file" (may be empty)
        var query: Substring?      // without "?"
    }

    static func split(_ url: String) -> Parts {
        var rest = Substring(url)
        var prefix = Substring()
        if let separator = url.firstRange(of: "://") {
            prefix = url[..<separator.upperBound]
            rest = url[separator.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring?
        if let question = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        return Parts(prefix: prefix, authority: rest[..<slash], path: rest[slash...], query: query)
    }

    /// The URL as it may appear in logs: "user:password@" becomes "***@", a query string (pre-signed
    /// URLs carry their signature there) becomes "?***", the fragment is dropped, and control
    /// characters are percent-escaped so a URL cannot forge log lines.
    static func redacted(_ url: String) -> String {
        let parts = split(url)
        var authority = parts.authority
        var userInfo = ""
        if let at = authority.lastIndex(of: "@") {
            userInfo = "***@"
            authority = authority[authority.index(after: at)...]
        }
        var text = String(parts.prefix) + userInfo + String(authority) + String(parts.path)
        if parts.query != nil { text += "?***" }
        return escapingControls(text)
    }

    /// Secrets of a URL that must not appear in a message: the password and the query string, raw
    /// and percent-decoded.
    static func secrets(of url: String) -> [String] {
        let parts = split(url)
        var found: [String] = []
        if let at = parts.authority.lastIndex(of: "@") {
            let userInfo = parts.authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                let password = String(userInfo[userInfo.index(after: colon)...])
                found.append(password)
                found.append(percentDecoded(password))
            }
        }
        if let query = parts.query {
            found.append(String(query))
            found.append(percentDecoded(String(query)))
        }
        return found.filter { !$0.isEmpty }
    }

    /// `text` with every secret of `url` replaced by "***".
    static func scrub(_ text: String, secretsOf url: String) -> String {
        var result = text
        for secret in secrets(of: url).sorted(by: { $0.utf8.count > $1.utf8.count }) {
            result = result.replacing(secret, with: "***")
        }
        return escapingControls(result)
    }

    /// `directoryURL` + "/" + percent-encoded `fileName`, keeping a query string of the directory
    /// URL at the end ("https://h/up?sig=1" + "a.zip" -> "https://h/up/a.zip?sig=1").
    static func uploadURL(directory: String, fileName: String) -> String? {
        guard !fileName.isEmpty, fileName != ".", fileName != "..",
              !fileName.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 < 0x20 || $0 == 0x7F }) else {
            return nil
        }
        let parts = split(directory)
        var path = parts.path
        while path.hasSuffix("/") { path = path.dropLast() }
        var url = String(parts.prefix) + String(parts.authority) + String(path) + "/" + percentEncoded(fileName)
        if let query = parts.query { url += "?" + query }
        return url
    }

    /// Percent-encodes everything except RFC 3986 unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~") {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func percentDecoded(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True if the text contains bytes libcurl would refuse or that could not be a URL.
    static func hasIllegalCharacters(_ url: String) -> Bool {
        url.utf8.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    private static func escapingControls(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte - UInt8(ascii: "0") }
        if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f") { return byte - UInt8(ascii: "a") + 10 }
        if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F") { return byte - UInt8(ascii: "A") + 10 }
        return nil
    }
}
