import Testing
import Transport

@testable import CentralSystem

/// Who `chargepoint csms` lets in: a client certificate naming the identity, else Basic auth with the key.
@Suite struct AuthenticationTests {
    static let key = "0123456789abcdefGHIJ"
    let settings = CentralSystemSettings(authorizationKey: Self.key)

    private func credentials(
        _ identity: String = "CP1", user: String? = "CP1", password: [UInt8]? = Array(Self.key.utf8),
        certificate: String? = nil
    ) -> HandshakeCredentials {
        let basic = user.flatMap { user in password.map { WebSocketSecurity.BasicCredentials(user: user, password: $0) } }
        return HandshakeCredentials(identity: identity, basicAuth: basic, clientCertificateCommonName: certificate)
    }

    @Test func withoutAKeyEveryoneIsLetIn() {
        #expect(CentralSystemSettings().authenticates(credentials(user: nil)))
    }

    @Test func theKeyAsWrittenAuthenticatesItsIdentity() {
        #expect(settings.authenticates(credentials()))
    }

    /// Charge points that send the bytes the hex digits encode ([J] §6's example) are let in too.
    @Test func theBytesOfAHexKeyAuthenticateToo() {
        let hexKey = "00112233445566778899aabbccddeeff"
        let hexSettings = CentralSystemSettings(authorizationKey: hexKey)
        let bytes: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
        #expect(hexSettings.authenticates(credentials(password: bytes)))
        #expect(hexSettings.authenticates(credentials(password: Array(hexKey.utf8))))
    }

    @Test func aWrongKeyAnotherUserOrNoHeaderIsRefused() {
        #expect(!settings.authenticates(credentials(password: Array("0123456789abcdefGHIK".utf8))))
        #expect(!settings.authenticates(credentials(user: "CP2")))
        #expect(!settings.authenticates(credentials(user: nil)))
    }

    @Test func aClientCertificateMustNameTheIdentity() {
        #expect(settings.authenticates(credentials(user: nil, certificate: "CP1")))
        #expect(!settings.authenticates(credentials(user: nil, certificate: "CP2")))
        #expect(!settings.authenticates(credentials(certificate: "CP2")), "a right key does not excuse a wrong certificate")
    }
}
