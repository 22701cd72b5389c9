/// What the websocket needs to connect with a security profile (1.6 security whitepaper, 2.0.1 [A00]): the
/// same three profiles under both versions, so both engines describe their link's credentials with this.
public struct LinkSecurity: Sendable, Equatable, CustomStringConvertible {
    public var profile: Int
    /// Profiles 1 and 2; the user is the identity.
    public var basicAuthPassword: [UInt8]?
    /// Nil trusts the system's CAs.
    public var trustedCertificatesPEM: String?
    /// Profile 3.
    public var clientCertificateChainPEM: String?
    public var clientKeyPEM: String?

    public init(
        profile: Int, basicAuthPassword: [UInt8]? = nil, trustedCertificatesPEM: String? = nil,
        clientCertificateChainPEM: String? = nil, clientKeyPEM: String? = nil
    ) {
        self.profile = profile
        self.basicAuthPassword = basicAuthPassword
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.clientCertificateChainPEM = clientCertificateChainPEM
        self.clientKeyPEM = clientKeyPEM
    }

    public var description: String {
        var parts = ["security profile \(profile)"]
        if basicAuthPassword != nil { parts.append("basic auth") }
        if profile >= 2 { parts.append(trustedCertificatesPEM == nil ? "system CAs" : "own trusted CAs") }
        if clientCertificateChainPEM != nil { parts.append("client certificate") }
        return parts.joined(separator: ", ")
    }
}
