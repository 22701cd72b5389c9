import Logging
import OCPP16
import Testing
import Threads

@testable import JSONLogging

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    static let time = Timestamp(millisecondsSince1970: 1_795_851_265_123)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("the fixed members in order, RFC 3339 UTC time with Z, one line")
    func plain() {
        let line = JSONLogHandler.line(timestamp: Self.time, level: .notice, label: "chargepoint", message: "hello", metadata: [:])
        #expect(Self.text(line) == #"{"timestamp":"2026-11-28T07:34:25.123Z","level":"notice","label":"chargepoint","message":"hello"}"# + "\n")
    }

    @Test("quotes, backslashes, line breaks and control characters stay inside one line")
    func escaping() {
        let line = JSONLogHandler.line(
            timestamp: Self.time, level: .error, label: "a\"b", message: "line 1\nline 2\t\\ \u{1}", metadata: [:],
            error: "refused")
        let text = Self.text(line)
        #expect(text.filter { $0 == "\n" }.count == 1 && text.hasSuffix("\n"))
        #expect(text.contains(#""label":"a\"b""#))
        #expect(text.contains(#""message":"line 1\nline 2\t\\ \u0001""#))
        #expect(text.contains(#""error":"refused""#))
    }

    @Test("metadata nested under its own member, keys sorted, arrays and objects kept")
    func metadata() {
        let metadata: Logger.Metadata = [
            "status": "503", "message": "not the message", "peers": ["a", .stringConvertible(42)],
            "tls": ["version": "1.3", "cipher": "TLS_AES_128_GCM_SHA256"],
        ]
        let text = Self.text(JSONLogHandler.line(timestamp: Self.time, level: .info, label: "l", message: "m", metadata: metadata))
        #expect(text.hasSuffix(
            #","message":"m","metadata":{"message":"not the message","peers":["a","42"],"status":"503","#
                + #""tls":{"cipher":"TLS_AES_128_GCM_SHA256","version":"1.3"}}}"# + "\n"))
    }

    @Test("through swift-log: level filter, handler metadata merged with the call's, the call's winning")
    func handler() {
        let lines = Lines()
        var logger = Logger(label: "chargepoint.http") { label in
            JSONLogHandler(label: label, logLevel: .info) { lines.append(String(decoding: $0, as: UTF8.self)) }
        }
        logger[metadataKey: "identity"] = "CP001"
        logger[metadataKey: "side"] = "handler"
        logger.debug("not written")
        logger.warning("written", metadata: ["side": "call"])
        let written = lines.all
        #expect(written.count == 1)
        #expect(written.first?.contains(#""level":"warning","label":"chargepoint.http","message":"written","metadata":{"identity":"CP001","side":"call"}}"#) == true)
    }
}

/// Lines written by a handler, from any thread.
final class Lines: @unchecked Sendable {
    private let lock = Lock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
