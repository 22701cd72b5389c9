import TestFixtures
import Certificates

/// Unix seconds of midnight UTC on the first day of a year (and month), for readable test instants.
enum Instant {
    static let y2020: Int64 = 1_577_836_800
    static let y2021: Int64 = 1_609_459_200
    static let y2022: Int64 = 1_640_995_200
    static let y2023: Int64 = 1_672_531_200
    static let y2024: Int64 = 1_704_067_200
    static let june2024: Int64 = 1_717_200_000
    static let y2025: Int64 = 1_735_689_600
    static let y2026: Int64 = 1_767_225_600
    static let y2035: Int64 = 2_051_222_400
    static let y2045: Int64 = 2_366_841_600
    static let y2050: Int64 = 2_524_608_000
}

/// The certificate hash data `openssl ocsp` puts into a request: OpenSSL's own OCSP_cert_to_id,
/// an implementation independent of `Certificate.hashes`.
func ocspCertificateID(_ algorithm: HashAlgorithm, certificate: Certificate, issuer: Certificate) throws -> CertificateHashes {
    let directory = try TemporaryDirectory()
    try directory.write("cert.pem", certificate.pem)
    try directory.write("issuer.pem", issuer.pem)
    let text = try directory.openssl("ocsp", "-issuer", directory.file("issuer.pem"), "-" + algorithm.rawValue.lowercased(),
                                     "-cert", directory.file("cert.pem"), "-req_text", "-no_nonce").output
    // Long hex values are wrapped with a trailing backslash.
    let joined = text.replacing("\\\n", with: "")
    func field(_ label: String) throws -> String {
        guard let line = joined.split(separator: "\n").first(where: { $0.contains(label + ":") }),
              let value = line.split(separator: ":").last
        else { throw SetupError(description: "no \(label) in openssl ocsp output:\n\(text)") }
        return value.trimmingCharacters(in: " ").lowercased()
    }
    let serial = String(try field("Serial Number").drop { $0 == "0" })
    return CertificateHashes(hashAlgorithm: algorithm, issuerNameHash: String(try field("Issuer Name Hash")),
                             issuerKeyHash: String(try field("Issuer Key Hash")), serialNumber: serial.isEmpty ? "0" : serial)
}

extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return text
    }
}
