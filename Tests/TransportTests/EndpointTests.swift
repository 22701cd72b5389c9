import Testing
@testable import Transport

@Suite struct EndpointTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let url: String
        let secure: Bool
        let host: String
        let port: Int
        let path: String
        let hostHeader: String
        var testDescription: String { url }
    }

    static let valid: [Case] = [
        Case(url: "ws://example.com/ocpp/CP001", secure: false, host: "example.com", port: 80,
             path: "/ocpp/CP001", hostHeader: "example.com"),
        Case(url: "wss://csms.example.com/ocpp/CP001", secure: true, host: "csms.example.com", port: 443,
             path: "/ocpp/CP001", hostHeader: "csms.example.com"),
        Case(url: "WS://Example.COM:8080", secure: false, host: "Example.COM", port: 8080,
             path: "/", hostHeader: "Example.COM:8080"),
        Case(url: "wss://example.com:443/x", secure: true, host: "example.com", port: 443,
             path: "/x", hostHeader: "example.com"),
        Case(url: "ws://example.com:443/x", secure: false, host: "example.com", port: 443,
             path: "/x", hostHeader: "example.com:443"),
        Case(url: "ws://10.0.0.5:9000/steve/websocket/CentralSystemService/CP-1", secure: false,
             host: "10.0.0.5", port: 9000, path: "/steve/websocket/CentralSystemService/CP-1",
             hostHeader: "10.0.0.5:9000"),
        Case(url: "ws://[::1]:9000/ocpp/CP%201", secure: false, host: "::1", port: 9000,
             path: "/ocpp/CP%201", hostHeader: "[::1]:9000"),
        Case(url: "wss://[2001:db8::1]/p", secure: true, host: "2001:db8::1", port: 443,
             path: "/p", hostHeader: "[2001:db8::1]"),
        Case(url: "ws://[::ffff:127.0.0.1]", secure: false, host: "::ffff:127.0.0.1", port: 80,
             path: "/", hostHeader: "[::ffff:127.0.0.1]"),
        Case(url: "ws://host_name.local?x=1", secure: false, host: "host_name.local", port: 80,
             path: "/?x=1", hostHeader: "host_name.local"),
        Case(url: "ws://h:65535/a/b?c=d&e", secure: false, host: "h", port: 65535,
             path: "/a/b?c=d&e", hostHeader: "h:65535"),
    ]

    @Test(arguments: valid)
    func parsesValidURLs(_ c: Case) throws {
        let endpoint = try WebSocketEndpoint(parsing: c.url)
        #expect(endpoint.secure == c.secure)
        #expect(endpoint.host == c.host)
        #expect(endpoint.port == c.port)
        #expect(endpoint.path == c.path)
        #expect(endpoint.hostHeader == c.hostHeader)
    }

    static let invalid: [String] = [
        "", "example.com/ocpp", "http://example.com/", "ws:/example.com", "ws:example.com", "ws://",
        "ws:///path", "ws://:80/", "ws://host:0/", "ws://host:65536/", "ws://host:abc/", "ws://host:/",
        "ws://host:-1/", "ws://host:+80/", "ws://user:pw@host/", "ws://host/a b", "ws://host/#frag",
        "ws://[::1/", "ws://[::1]x/", "ws://[zz::1]/", "ws://[]/", "ws://[fe80::1%25eth0]/",
        "ws://ho$t/", "ws://host\n/", "ws://hóst/", "wss ://host/",
    ]

    @Test(arguments: invalid)
    func rejectsInvalidURLs(_ url: String) {
        #expect(throws: WebSocketClientError.self) { try WebSocketEndpoint(parsing: url) }
    }

    @Test func errorsExplainTheProblem() {
        do {
            _ = try WebSocketEndpoint(parsing: "http://example.com/")
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidURL("http://example.com/", reason: "scheme must be ws or wss, not 'http'"))
            #expect(error.description.contains("scheme must be ws or wss"))
        }
        do {
            _ = try WebSocketEndpoint(parsing: "ws://host:99999/")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("port"))
        }
    }

    @Test func clientInitValidatesTheConfiguration() throws {
        let logger = makeLogger()
        #expect(throws: WebSocketClientError.self) {
            _ = try WebSocketClient(configuration: .init(url: "ftp://x/"), logger: logger) { _ in }
        }
        #expect(throws: WebSocketClientError.self) {
            _ = try WebSocketClient(configuration: .init(url: "ws://x/", subprotocol: ""), logger: logger) { _ in }
        }
        #expect(throws: WebSocketClientError.self) {
            try WebSocketClient.validate(configuration: .init(url: "ws://x/", subprotocol: "ocpp 1.6"))
        }
        #expect(throws: WebSocketClientError.self) {
            try WebSocketClient.validate(configuration: .init(url: "ws://x/", maximumMessageSize: 0))
        }
        #expect(throws: WebSocketClientError.self) {
            try WebSocketClient.validate(configuration: .init(url: "ws://x/", connectTimeoutSeconds: 0))
        }
        #expect(throws: Never.self) {
            try WebSocketClient.validate(configuration: .init(url: "ws://x/", pingInterval: -1))   // clamped to 0
        }
        #expect(WebSocketClient.clampPingInterval(-5) == 0)
        #expect(WebSocketClient.clampPingInterval(100_000) == 65535)
        #expect(WebSocketClient.clampPingInterval(300) == 300)
        let endpoint = try WebSocketClient.validate(configuration: .init(url: "wss://x:8443/ocpp/CP1"))
        #expect(endpoint.description == "wss://x:8443/ocpp/CP1")
        // A valid client that is never started can be stopped and released.
        let client = try WebSocketClient(configuration: .init(url: "ws://127.0.0.1:1/"), logger: logger) { _ in }
        client.stop()
        client.stop()
    }

    @Test func configurationDefaults() {
        let c = WebSocketClientConfiguration(url: "ws://x/")
        #expect(c.subprotocol == "ocpp1.6")
        #expect(c.pingInterval == 0)
        #expect(c.backoff == Backoff())
        #expect(c.maximumMessageSize == 1 << 20)
        #expect(c.connectTimeoutSeconds == 10)
    }

    @Test func handshakeHelperMatchesRFC6455Example() {
        #expect(websocketAccept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func lwsLogLinesLoseTheirPrefix() {
        #expect(LWSLogRouter.strip("[2024/05/01 10:00:00:1234] E: connect failed\n") == "connect failed")
        #expect(LWSLogRouter.strip("[2024/05/01 10:00:00:1234] W: something odd") == "something odd")
        #expect(LWSLogRouter.strip("plain line\n") == "plain line")
    }
}
