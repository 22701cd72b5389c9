import Testing
@testable import Transport

#if canImport(Glibc)
import Glibc
import Threads
#endif

/// Thread-safe log of server events with waiting (condition variable, no fixed sleeps).
final class ServerEventLog: @unchecked Sendable {
    // `events` is guarded by `lock`.
    private let lock = Condition()
    private var events: [WebSocketServerEvent] = []

    func record(_ event: WebSocketServerEvent) {
        lock.withLock { events.append(event) }
        lock.broadcast()
    }

    var all: [WebSocketServerEvent] { lock.withLock { events } }

    func wait<T>(timeout: Double = 3, _ match: ([WebSocketServerEvent]) -> T?) -> T? {
        let deadline = monotonicMicros() + UInt64(timeout * 1_000_000)
        return lock.withLock {
            while true {
                if let found = match(events) { return found }
                if monotonicMicros() >= deadline { return nil }
                _ = lock.wait(untilUptime: .microseconds(Int64(deadline)))
            }
        }
    }

    /// Waits until `count` connections are open and returns identity → connection id.
    func openConnections(_ count: Int, timeout: Double = 3) -> [String: UInt64]? {
        wait(timeout: timeout) { events in
            var open: [String: UInt64] = [:]
            var identities: [UInt64: String] = [:]
            for event in events {
                switch event {
                case let .connected(id, identity, _):
                    open[identity] = id
                    identities[id] = identity
                case let .disconnected(id, _):
                    if let identity = identities[id], open[identity] == id { open[identity] = nil }
                case .received:
                    break
                }
            }
            return open.count >= count ? open : nil
        }
    }
}

extension WebSocketServerEvent {
    var isServerConnected: Bool { if case .connected = self { return true } else { return false } }
    var isServerDisconnected: Bool { if case .disconnected = self { return true } else { return false } }
}

/// Sends a hand-written upgrade request and returns the response ("" when the server hung up without
/// a word), for the refusals a websocket client library would only report vaguely.
func rawUpgrade(port: Int, path: String, subprotocol: String?) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "socket failed" }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 3, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port)).bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return "connect failed" }
    var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
    request += "\r\n"
    _ = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
    var response: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    // A refusal is read to the end (the server hangs up); an accepted upgrade up to the blank line.
    while !(response.starts(with: Array("HTTP/1.1 101".utf8)) && String(decoding: response, as: UTF8.self).contains("\r\n\r\n")) {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        response += chunk[0..<n]
    }
    return String(decoding: response, as: UTF8.self)
}

@Suite(.serialized) struct WebSocketServerTests {
    func makeServer(
        subprotocols: [String] = ["ocpp1.6"], maximumMessageSize: Int = 1 << 20,
        admit: @escaping @Sendable (String) -> Bool = { _ in true }, log: ServerEventLog, echo: Bool = true
    ) throws -> WebSocketServer {
        let box = ServerBox()
        let server = try WebSocketServer(
            configuration: WebSocketServerConfiguration(
                host: "127.0.0.1", port: 0, subprotocols: subprotocols, maximumMessageSize: maximumMessageSize, admit: admit),
            logger: makeLogger()
        ) { event in
            log.record(event)
            if echo, case let .received(connection, text) = event { box.server?.send(text, on: connection) }
        }
        box.server = server
        try server.start()
        #expect(server.boundPort > 0)
        return server
    }

    /// Lets the event handler reach the server it belongs to (set right after init).
    final class ServerBox: @unchecked Sendable {
        // Written once before `start()`, read on the service thread afterwards.
        var server: WebSocketServer?
    }

    func makeClient(port: Int, path: String, subprotocol: String = "ocpp1.6", log: EventLog) throws -> WebSocketClient {
        let client = try WebSocketClient(
            configuration: WebSocketClientConfiguration(
                url: "ws://127.0.0.1:\(port)\(path)", subprotocol: subprotocol, backoff: testBackoff),
            logger: makeLogger(), onEvent: log.handler)
        client.start()
        return client
    }

    @Test func identityIsTheLastPathSegment() {
        #expect(WebSocketServer.identity(fromPath: "/ocpp/CP001") == "CP001")
        #expect(WebSocketServer.identity(fromPath: "/CP001") == "CP001")
        #expect(WebSocketServer.identity(fromPath: "/a/b/RDAM 123") == "RDAM 123")
        #expect(WebSocketServer.identity(fromPath: "/ocpp/Grüße") == "Grüße")
        #expect(WebSocketServer.identity(fromPath: "/ocpp/CP1?token=x") == "CP1")
        #expect(WebSocketServer.identity(fromPath: "/ocpp/") == nil)
        #expect(WebSocketServer.identity(fromPath: "/") == nil)
        #expect(WebSocketServer.identity(fromPath: "") == nil)
        #expect(WebSocketServer.identity(fromPath: "/ocpp/a\nb") == nil)
    }

    @Test func clientConnectsWithIdentityAndMessagesRoundTrip() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(log: serverLog)
        defer { server.stop() }
        let log = EventLog()
        let client = try makeClient(port: server.boundPort, path: "/ocpp/RDAM%20123", log: log)
        defer { client.stop() }

        _ = try #require(log.waitFor { $0.isConnected })
        let open = try #require(serverLog.openConnections(1))
        #expect(open == ["RDAM 123": 1])

        // Decoded exactly once (by lws), which also reads "+" as a space; "%2B" is a plus.
        #expect(rawUpgrade(port: server.boundPort, path: "/ocpp/A%2541+%C3%BC%2B", subprotocol: "ocpp1.6").hasPrefix("HTTP/1.1 101"))
        #expect(serverLog.wait { $0.contains(.connected(connection: 2, identity: "A%41 ü+", subprotocol: "ocpp1.6")) ? true : nil } == true,
                "\(serverLog.all)")

        let messages = (0..<100).map { #"[2,"\#($0)","Heartbeat",{}]"# } + ["Grüße 🚗", ""]
        for message in messages { client.send(message, on: 1) }
        let echoed = log.wait { events -> [String]? in
            let texts = events.compactMap(\.receivedText)
            return texts.count >= messages.count ? texts : nil
        }
        #expect(echoed == messages)
    }

    @Test func refusesHandshakesWithoutTheSubprotocol() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(log: serverLog)
        defer { server.stop() }

        let accepted = rawUpgrade(port: server.boundPort, path: "/ocpp/CP1", subprotocol: "ocpp1.6")
        #expect(accepted.hasPrefix("HTTP/1.1 101"), "\(accepted)")
        #expect(accepted.lowercased().contains("sec-websocket-protocol: ocpp1.6"), "\(accepted)")
        #expect(!rawUpgrade(port: server.boundPort, path: "/ocpp/CP2", subprotocol: nil).hasPrefix("HTTP/1.1 101"))
        #expect(!rawUpgrade(port: server.boundPort, path: "/ocpp/CP3", subprotocol: "ocpp2.0.1").hasPrefix("HTTP/1.1 101"))
        let preferred = rawUpgrade(port: server.boundPort, path: "/ocpp/CP4", subprotocol: "ocpp2.0.1, ocpp1.6")
        #expect(preferred.hasPrefix("HTTP/1.1 101"), "\(preferred)")

        let log = EventLog()
        let client = try makeClient(port: server.boundPort, path: "/ocpp/CP5", subprotocol: "ocpp2.0.1", log: log)
        defer { client.stop() }
        #expect(log.waitFor { $0.isDisconnected } != nil)
        #expect(!log.all.contains { $0.isConnected })
        let identities = serverLog.all.compactMap { event -> String? in
            if case let .connected(_, identity, _) = event { identity } else { nil }
        }
        #expect(!identities.contains("CP2") && !identities.contains("CP3") && !identities.contains("CP5"))
    }

    /// With several subprotocols the connection speaks the first of the client's offer that the server
    /// has, whatever the server's order; the 101 names it and so does `connected`.
    @Test func aConnectionSpeaksTheFirstOfferedSubprotocolTheServerHas() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(subprotocols: ["ocpp2.0.1", "ocpp1.6"], log: serverLog)
        defer { server.stop() }

        let offers: [(identity: String, offer: String, spoken: String)] = [
            ("BOTH16", "ocpp1.6, ocpp2.0.1", "ocpp1.6"),
            ("BOTH201", "ocpp2.0.1,ocpp1.6", "ocpp2.0.1"),
            ("ONLY16", "ocpp1.6", "ocpp1.6"),
            ("UNKNOWNFIRST", "ocpp2.1, ocpp2.0.1", "ocpp2.0.1"),
        ]
        for (identity, offer, spoken) in offers {
            let answer = rawUpgrade(port: server.boundPort, path: "/ocpp/\(identity)", subprotocol: offer)
            #expect(answer.hasPrefix("HTTP/1.1 101"), "\(identity): \(answer)")
            #expect(answer.lowercased().contains("sec-websocket-protocol: \(spoken)\r\n"), "\(identity): \(answer)")
        }
        let spoken = try #require(serverLog.wait { events -> [String: String]? in
            let spoken = Dictionary(uniqueKeysWithValues: events.compactMap { event -> (String, String)? in
                if case let .connected(_, identity, subprotocol) = event { (identity, subprotocol) } else { nil }
            })
            return spoken.count == offers.count ? spoken : nil
        })
        #expect(spoken == Dictionary(uniqueKeysWithValues: offers.map { ($0.identity, $0.spoken) }))

        #expect(!rawUpgrade(port: server.boundPort, path: "/ocpp/NONE", subprotocol: "ocpp1.5, ocpp2.1").hasPrefix("HTTP/1.1 101"))
        #expect(!rawUpgrade(port: server.boundPort, path: "/ocpp/NOLIST", subprotocol: nil).hasPrefix("HTTP/1.1 101"))
        #expect(serverLog.all.filter(\.isServerConnected).count == offers.count, "\(serverLog.all)")
    }

    @Test func refusesIdentitiesThatAreNotAdmittedWith404() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(admit: { $0 == "CP1" }, log: serverLog)
        defer { server.stop() }

        let refused = rawUpgrade(port: server.boundPort, path: "/ocpp/CP2", subprotocol: "ocpp1.6")
        #expect(refused.hasPrefix("HTTP/1.1 404 Not Found\r\n") && refused.hasSuffix("unknown charge point identity\n"), "\(refused)")
        #expect(rawUpgrade(port: server.boundPort, path: "/ocpp/", subprotocol: "ocpp1.6").hasPrefix("HTTP/1.1 404"))
        let log = EventLog()
        let client = try makeClient(port: server.boundPort, path: "/ocpp/CP2", log: log)
        defer { client.stop() }
        let failed = try #require(log.waitFor { $0.isDisconnected })
        #expect(failed.disconnectReason?.contains("404") == true, "\(failed)")
        #expect(rawUpgrade(port: server.boundPort, path: "/ocpp/CP1", subprotocol: "ocpp1.6").hasPrefix("HTTP/1.1 101"))
    }

    @Test func aNewConnectionForAnIdentityReplacesTheOldOne() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(log: serverLog)
        defer { server.stop() }
        let firstLog = EventLog()
        let first = try makeClient(port: server.boundPort, path: "/ocpp/CP1", log: firstLog)
        defer { first.stop() }
        _ = try #require(serverLog.openConnections(1))

        let secondLog = EventLog()
        let second = try makeClient(port: server.boundPort, path: "/ocpp/CP1", log: secondLog)
        defer { second.stop() }
        _ = try #require(secondLog.waitFor { $0.isConnected })
        let events = try #require(serverLog.wait { $0.count >= 3 ? $0 : nil })
        #expect(events.prefix(3) == [
            .connected(connection: 1, identity: "CP1", subprotocol: "ocpp1.6"),
            .disconnected(connection: 1, reason: "replaced by connection 2 for the same identity"),
            .connected(connection: 2, identity: "CP1", subprotocol: "ocpp1.6"),
        ])
        #expect(firstLog.waitFor { $0.isDisconnected } != nil, "the replaced client is closed")
        second.send("still here", on: 1)
        #expect(secondLog.waitFor { $0.receivedText == "still here" } != nil)
    }

    @Test func manyConnectionsEachGetTheirOwnMessages() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(log: serverLog, echo: false)
        defer { server.stop() }
        let count = 40
        let logs = (0..<count).map { _ in EventLog() }
        let clients = try (0..<count).map { try makeClient(port: server.boundPort, path: "/ocpp/CP\($0)", log: logs[$0]) }
        defer { clients.forEach { $0.stop() } }
        let open = try #require(serverLog.openConnections(count, timeout: 10))
        #expect(Set(open.values).count == count)

        // From several threads at once, like HTTP workers would.
        let threads = (0..<4).compactMap { part in
            spawnThread(name: "sender\(part)") {
                for index in stride(from: part, to: count, by: 4) {
                    for n in 0..<5 { server.send("to CP\(index) #\(n)", on: open["CP\(index)"]!) }
                }
            }
        }
        threads.forEach { pthread_join($0, nil) }
        for index in 0..<count {
            let texts = logs[index].wait { events -> [String]? in
                let texts = events.compactMap(\.receivedText)
                return texts.count >= 5 ? texts : nil
            }
            #expect(texts == (0..<5).map { "to CP\(index) #\($0)" })
        }
    }

    @Test func largeMessagesRoundTripAndOversizedOnesCloseWith1009() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(maximumMessageSize: 700_000, log: serverLog)
        defer { server.stop() }
        let log = EventLog()
        let client = try makeClient(port: server.boundPort, path: "/ocpp/BIG", log: log)
        defer { client.stop() }
        _ = try #require(log.waitFor { $0.isConnected })

        let big = String(repeating: "abcdefghij", count: 60_000)
        client.send(big, on: 1)
        client.send("small after big", on: 1)
        let texts = log.wait { events -> [String]? in
            let texts = events.compactMap(\.receivedText)
            return texts.count >= 2 ? texts : nil
        }
        #expect(texts == [big, "small after big"])

        client.send(String(repeating: "x", count: 800_000), on: 1)
        let closed = try #require(log.waitFor { $0.isDisconnected })
        #expect(closed.disconnectReason?.contains("1009") == true, "\(closed)")
        let reason = serverLog.wait { events in
            events.lazy.compactMap { event -> String? in
                if case let .disconnected(1, reason) = event { reason } else { nil }
            }.first
        }
        #expect(reason == "incoming message larger than 700000 bytes")
    }

    @Test func stopIsPromptAndClosesEveryConnectionWithGoingAway() throws {
        let serverLog = ServerEventLog()
        let server = try makeServer(log: serverLog)
        let logs = (0..<5).map { _ in EventLog() }
        let clients = try (0..<5).map { try makeClient(port: server.boundPort, path: "/ocpp/CP\($0)", log: logs[$0]) }
        defer { clients.forEach { $0.stop() } }
        _ = try #require(serverLog.openConnections(5))

        let started = monotonicMicros()
        server.stop()
        #expect(elapsedSeconds(since: started) < 1)
        let disconnects = serverLog.all.filter(\.isServerDisconnected)
        #expect(disconnects.count == 5, "\(serverLog.all)")
        for log in logs {
            let closed = log.waitFor { $0.isDisconnected }
            #expect(closed?.disconnectReason?.contains("1001") == true, "\(String(describing: closed))")
        }
        server.stop()                                 // idempotent
        server.send("late", on: 1)                    // dropped, no crash
    }

    @Test func stopWithoutConnectionsAndPortInUse() throws {
        let log = ServerEventLog()
        let server = try makeServer(log: log)
        let taken = try WebSocketServer(
            configuration: WebSocketServerConfiguration(port: server.boundPort), logger: makeLogger()) { _ in }
        #expect(throws: WebSocketServerError.self) { try taken.start() }
        #expect(throws: WebSocketServerError.invalidState) { try server.start() }
        let started = monotonicMicros()
        server.stop()
        #expect(elapsedSeconds(since: started) < 0.5)
        for invalid in [
            WebSocketServerConfiguration(host: "example.com"), WebSocketServerConfiguration(subprotocols: []),
            WebSocketServerConfiguration(subprotocols: ["ocpp1.6", "ocpp 2.0.1"]),
            WebSocketServerConfiguration(subprotocols: ["ocpp1.6", "ocpp1.6"]),
        ] {
            #expect(throws: WebSocketServerError.self) {
                _ = try WebSocketServer(configuration: invalid, logger: makeLogger()) { _ in }
            }
        }
    }
}
