import OCPP16
import TestFixtures
import Testing

@testable import ChargePoint

@Suite struct AuthorizationKeyEncodingTests {
    @Test func textKeysAre16To40PrintableCharactersWithoutSpaces() {
        #expect(AuthorizationKeyEncoding.text.password(for: String(repeating: "a", count: 15)) == nil)
        #expect(AuthorizationKeyEncoding.text.password(for: String(repeating: "a", count: 16)) == Array(repeating: 0x61, count: 16))
        #expect(AuthorizationKeyEncoding.text.password(for: String(repeating: "~", count: 40)) == Array(repeating: 0x7E, count: 40))
        #expect(AuthorizationKeyEncoding.text.password(for: String(repeating: "a", count: 41)) == nil)
        #expect(AuthorizationKeyEncoding.text.password(for: "0123456789 abcdef") == nil)
        #expect(AuthorizationKeyEncoding.text.password(for: "0123456789abcdefé") == nil)
    }

    @Test func hexKeysAre32To40EvenDigitsSentDecoded() {
        let hex32 = "00112233445566778899aabbccddeeff"
        #expect(AuthorizationKeyEncoding.hex.password(for: hex32)
            == [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF])
        #expect(AuthorizationKeyEncoding.hex.password(for: hex32.uppercased())
            == AuthorizationKeyEncoding.hex.password(for: hex32))
        #expect(AuthorizationKeyEncoding.hex.password(for: String(repeating: "ab", count: 20)) == Array(repeating: 0xAB, count: 20))
        #expect(AuthorizationKeyEncoding.hex.password(for: String(repeating: "ab", count: 15)) == nil)
        #expect(AuthorizationKeyEncoding.hex.password(for: String(repeating: "ab", count: 21)) == nil)
        #expect(AuthorizationKeyEncoding.hex.password(for: hex32 + "a") == nil)
        #expect(AuthorizationKeyEncoding.hex.password(for: "g0112233445566778899aabbccddeeff") == nil)
    }
}

@Suite struct AuthorizationKeyTests {
    typealias F = SecurityFixture
    static let newKey = "fedcba9876543210ZYX?"

    private func keys(in result: JSONValue?) -> [String] {
        guard case .array(let entries)? = result?["configurationKey"] else { return [] }
        return entries.compactMap { $0["key"]?.stringValue }
    }

    @Test func anAcceptedKeyIsPersistedAndTheLinkReconnectsWithIt() {
        var harness = Harness(security: SecuritySettings(minimumProfile: 1, authorizationKey: F.key))
        harness.bootAccepted()
        let produced = harness.handle(.received(
            #"[2,"k1","ChangeConfiguration",{"key":"AuthorizationKey","value":"\#(Self.newKey)"}]"#))
        #expect(harness.result(answering: "k1")?["status"] == .string("Accepted"))
        #expect(F.savedSecurity(harness.persisted) == [SecurityRecord(authorizationKey: Self.newKey)])
        #expect(F.configureLinks(produced).map(\.0.basicAuthPassword) == [Array(Self.newKey.utf8)])
        #expect(F.configureLinks(produced).map(\.1) == [true])
        #expect(F.events(harness.persisted).last == SecurityEvent(
            type: .reconfigurationOfSecurityParameters, timestamp: harness.now.wallClock, techInfo: "AuthorizationKey changed"))
    }

    @Test func aHexKeyIsSentDecoded() {
        let hex = "00112233445566778899aabbccddeeff"
        var harness = Harness(security: SecuritySettings(
            minimumProfile: 1, authorizationKey: String(repeating: "ab", count: 16), keyEncoding: .hex))
        harness.bootAccepted()
        harness.csmsCall("k1", "ChangeConfiguration", #"{"key":"authorizationkey","value":"\#(hex)"}"#)
        #expect(harness.result(answering: "k1")?["status"] == .string("Accepted"))
        #expect(harness.engine.linkSecurity.basicAuthPassword
            == [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF])
    }

    @Test func anInvalidKeyIsRejectedAndChangesNothing() {
        var harness = Harness(security: SecuritySettings(minimumProfile: 1, authorizationKey: F.key))
        harness.bootAccepted()
        let before = harness.engine.linkSecurity
        let persistedBefore = harness.persisted.count
        harness.csmsCall("k1", "ChangeConfiguration", #"{"key":"AuthorizationKey","value":"too short"}"#)
        #expect(harness.result(answering: "k1")?["status"] == .string("Rejected"))
        #expect(harness.engine.linkSecurity == before)
        #expect(Array(harness.persisted.dropFirst(persistedBefore)) == [])
        #expect(F.configureLinks(harness.effects).isEmpty)
    }

    @Test func aFullListingNeverShowsTheKey() {
        var harness = Harness(security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        harness.csmsCall("k1", "ChangeConfiguration", #"{"key":"AuthorizationKey","value":"\#(Self.newKey)"}"#)
        harness.csmsCall("g1", "GetConfiguration", "{}")
        #expect(!keys(in: harness.result(answering: "g1")).contains { $0.lowercased() == "authorizationkey" })
        let frames = harness.effects.compactMap { if case .send(let text) = $0 { text } else { nil } }
        #expect(!frames.contains { $0.contains(Self.newKey) || $0.contains(F.key) })
    }

    @Test func askedByNameTheKeyIsListedWithoutItsValue() throws {
        var harness = Harness(security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        harness.csmsCall("g1", "GetConfiguration", #"{"key":["authorizationKey","HeartbeatInterval"]}"#)
        let result = try #require(harness.result(answering: "g1"))
        #expect(result["unknownKey"] == nil)
        #expect(result["configurationKey"] == .array([
            .object(["key": .string("HeartbeatInterval"), "readonly": .bool(false), "value": .string("300")]),
            .object(["key": .string("AuthorizationKey"), "readonly": .bool(false)]),
        ]))
    }

    @Test func basicAuthOnlyUnderProfilesOneAndTwoAClientCertificateOnlyUnderThree() throws {
        let pki = try SecurityPKI.get()
        let settings = SecuritySettings(
            authorizationKey: F.key, trustedCertificatesPEM: pki.csmsRootPEM,
            clientCertificateChainPEM: pki.clientCertificatePEM, clientKeyPEM: pki.clientKeyPEM)
        func link(_ profile: Int) -> LinkSecurity {
            Harness(persisted: PersistedState(configuration: ["SecurityProfile": "\(profile)"]), security: settings)
                .engine.linkSecurity
        }
        #expect(link(0) == F.link(profile: 0, basicAuthPassword: nil, trustedCertificatesPEM: pki.csmsRootPEM))
        #expect(link(1) == F.link(profile: 1, basicAuthPassword: F.keyBytes, trustedCertificatesPEM: pki.csmsRootPEM))
        #expect(link(2) == F.link(profile: 2, basicAuthPassword: F.keyBytes, trustedCertificatesPEM: pki.csmsRootPEM))
        #expect(link(3) == F.link(
            profile: 3, basicAuthPassword: nil, trustedCertificatesPEM: pki.csmsRootPEM,
            clientCertificateChainPEM: pki.clientCertificatePEM, clientKeyPEM: pki.clientKeyPEM))
    }

    @Test func theLinkProblemNamesWhatTheProfileLacks() {
        func problem(_ profile: Int, _ settings: SecuritySettings) -> String? {
            Harness(persisted: PersistedState(configuration: ["SecurityProfile": "\(profile)"]), security: settings)
                .engine.linkSecurityProblem
        }
        #expect(problem(0, SecuritySettings()) == nil)
        #expect(problem(1, SecuritySettings())
            == "security profile 1 needs an AuthorizationKey (--auth-key-file, CP_AUTH_KEY_FILE or CP_AUTH_KEY)")
        #expect(problem(2, SecuritySettings(authorizationKey: "abc", keyEncoding: .hex))
            == "the AuthorizationKey is not valid for --auth-key-encoding hex: it must be 32 to 40 hexadecimal digits (16 to 20 bytes)")
        #expect(problem(1, SecuritySettings(authorizationKey: F.key)) == nil)
        #expect(problem(3, SecuritySettings(authorizationKey: F.key))
            == "security profile 3 needs a client certificate and key (--client-cert and --client-key)")
    }
}
