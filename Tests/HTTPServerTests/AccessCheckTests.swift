import Logging
import Testing

@testable import HTTPServer

@Suite("Access checks")
struct AccessCheckTests {
    @Test("constantTimeEquals: equal only for the same bytes and length")
    func constantTimeComparison() {
        let secret = Array("0123456789abcdef0123456789abcdef".utf8)
        #expect(constantTimeEquals(secret, secret))
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([], secret))
        #expect(!constantTimeEquals(secret, []))
        #expect(!constantTimeEquals(Array(secret.dropLast()), secret), "a prefix")
        #expect(!constantTimeEquals(secret + [0x61], secret), "longer")
        #expect(!constantTimeEquals(secret + secret, secret), "the secret twice (the index wraps around)")
        #expect(!constantTimeEquals(Array(secret.prefix(16)), Array(secret.prefix(16)) + Array(secret.prefix(16))),
                "half of a repeating secret")
        for index in secret.indices {
            var other = secret
            other[index] ^= 0x01
            #expect(!constantTimeEquals(other, secret), "one bit off at \(index)")
        }
        #expect(!constantTimeEquals([0x00], [0x80]))
    }

    @Test("isLoopbackHost: 127.0.0.0/8, ::1 and localhost; nothing else, names unresolved")
    func loopbackHosts() {
        for host in ["127.0.0.1", "127.255.255.254", "127.0.1.1", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost",
                     "LocalHost", "::ffff:127.0.0.1"] {
            #expect(isLoopbackHost(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "[::]", "128.0.0.1", "10.0.0.1", "192.168.1.2", "::2", "::ffff:10.0.0.1",
                     "127.0.0.1.example", "localhost.example", "ip6-localhost", "", "127.1", "1.127.0.0"] {
            #expect(!isLoopbackHost(host), "\(host)")
        }
    }

    @Test("isLoopbackHostHeader: a loopback host with or without a port, and *.localhost")
    func loopbackHostHeaders() {
        for value in ["127.0.0.1:8080", "127.0.0.1", "localhost:80", "LOCALHOST", "[::1]:8080", "[::1]",
                      "cp.localhost:8080", " 127.0.0.2:1 "] {
            #expect(isLoopbackHostHeader(value), "\(value)")
        }
        for value in ["evil.example:8080", "evil.example", "10.0.0.1:8080", "[::2]:80", "127.0.0.1:80x",
                      "127.0.0.1:8080@evil", "[::1", "[::1]x", ".localhost", "localhost.evil.example", "",
                      "::1"] {
            #expect(!isLoopbackHostHeader(value), "\(value)")
        }
    }

    @Test("HTTPS with a certificate that is not one: start fails and says why")
    func badCertificate() {
        var logger = Logger(label: "AccessCheckTests")
        logger.logLevel = .critical
        let credentials = TLSCredentials(certificatePEM: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                                         keyPEM: "-----BEGIN PRIVATE KEY-----\nSECRET-KEY-TEXT\n-----END PRIVATE KEY-----\n")
        #expect(!"\(credentials)".contains("SECRET-KEY-TEXT"), "the key never shows in a description")
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, tls: credentials),
                                logger: logger) { _, responder in responder.respond(HTTPResponse(status: 204)) }
        do {
            try server.start()
            Issue.record("a server with an invalid certificate started")
            server.stop()
        } catch {
            #expect(error.kind == .startFailed)
            #expect(error.description.contains("127.0.0.1:0"))
            #expect(!error.description.contains("SECRET-KEY-TEXT"))
        }
    }
}
