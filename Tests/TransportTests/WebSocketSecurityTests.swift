import Testing

@testable import Transport

@Suite struct AuthorizationHeaderTests {
    private func header(user: String, password: [UInt8]) -> String? {
        WebSocketSecurity(basicAuth: .init(user: user, password: password)).authorizationHeader
    }

    @Test func isBasicWithBase64OfUserColonPassword() {
        #expect(header(user: "CP001", password: Array("secret".utf8)) == "Basic Q1AwMDE6c2VjcmV0")
    }

    @Test func carriesRawPasswordBytesThatAreNotUTF8() {
        #expect(header(user: "CP1", password: [0xFF, 0x00, 0x80, 0x41]) == "Basic Q1AxOv8AgEE=")
    }

    @Test func padsEveryRemainderOfThree() {
        #expect(header(user: "ab", password: []) == "Basic YWI6")
        #expect(header(user: "a", password: Array("xy".utf8)) == "Basic YTp4eQ==")
    }

    @Test func isAbsentWithoutBasicAuth() {
        #expect(WebSocketSecurity.none.authorizationHeader == nil)
    }
}

@Suite struct LinkSecurityFailureTests {
    private func classify(
        http: Int = 0, credentials: Bool = true, sent: Int32? = nil, received: Int32? = nil, text: String? = nil
    ) -> LinkSecurityFailure? {
        LinkSecurityFailure.classify(
            httpStatus: http, sentCredentials: credentials, alertSent: sent, alertReceived: received, tlsError: text)
    }

    @Test func http401IsRejectedCredentials() {
        #expect(classify(http: 401) == .credentialsRejected)
        #expect(classify(http: 401, sent: 48) == .credentialsRejected)
    }

    /// CitrineOS answers 401 while an old connection of the identity lingers: without credentials sent,
    /// that says nothing about them.
    @Test func http401WithoutCredentialsIsNoSecurityFailure() {
        #expect(classify(http: 401, credentials: false) == nil)
    }

    @Test func protocolVersionAlertEitherWayIsTheTLSVersion() {
        #expect(classify(sent: 70) == .tlsVersionRefused)
        #expect(classify(received: 70) == .tlsVersionRefused)
    }

    @Test func unknownCASentMeansWeRejectTheServerReceivedMeansItRejectsUs() {
        #expect(classify(sent: 48) == .serverCertificateRejected)
        #expect(classify(received: 48) == .credentialsRejected)
    }

    @Test func certificateRequiredReceivedIsRejectedCredentials() {
        #expect(classify(received: 116) == .credentialsRejected)
    }

    @Test func handshakeFailureIsTheCipherSuite() {
        #expect(classify(sent: 40) == .tlsCipherRefused)
        #expect(classify(received: 40) == .tlsCipherRefused)
        #expect(classify(received: 71) == .tlsCipherRefused)
    }

    @Test func withoutAlertsTheOpenSSLTextDecides() {
        #expect(classify(text: "error:0A000102:SSL routines::unsupported protocol") == .tlsVersionRefused)
        #expect(classify(text: "SSL routines::no shared cipher") == .tlsCipherRefused)
        #expect(classify(text: "SSL routines::tlsv13 alert certificate required") == .credentialsRejected)
        #expect(classify(text: "SSL routines::certificate verify failed") == .serverCertificateRejected)
        #expect(classify(text: "Hostname mismatch") == .serverCertificateRejected)
    }

    @Test func anUnrelatedErrorIsNoSecurityFailure() {
        #expect(classify() == nil)
        #expect(classify(http: 404) == nil)
        #expect(classify(sent: 0, received: 0, text: "connection refused") == nil)
    }
}

/// What the server reads back from `Authorization`: the client's header round-trips.
@Suite struct BasicCredentialsParsingTests {
    @Test func theClientsHeaderParsesBackToUserAndPasswordBytes() throws {
        let password: [UInt8] = [0x00, 0xFF, 0x3A, 0x41]
        let header = try #require(WebSocketSecurity(basicAuth: .init(user: "CP001", password: password)).authorizationHeader)
        #expect(WebSocketServer.basicCredentials(header) == .init(user: "CP001", password: password))
    }

    @Test func theSchemeIsCaseInsensitiveAndOnlyTheFirstColonSplits() {
        #expect(WebSocketServer.basicCredentials("basic Q1AxOmE6Yg==") == .init(user: "CP1", password: Array("a:b".utf8)))
    }

    @Test(arguments: ["", "Bearer abc", "Basic", "Basic !!!", "Basic Q1Ax"])
    func anythingElseIsNoCredentials(header: String) {
        #expect(WebSocketServer.basicCredentials(header) == nil)
    }
}
