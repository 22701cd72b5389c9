public struct CertificateSignedRequest: OCPPRequest, Equatable {
    public typealias Response = GenericStatusResponse
    public static let action = Action.certificateSigned
    /// The charge point certificate in PEM, followed by any sub-CA certificates.
    public var certificateChain: CiString<10000>
}
