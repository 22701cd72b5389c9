import Certificates
import OCPP201

/// A root certificate InstallCertificate installed [M05], as the PEM of its DER.
public struct InstalledCertificate: Codable, Sendable, Equatable {
    public var use: InstallCertificateUse
    public var pem: String

    public init(use: InstallCertificateUse, pem: String) {
        self.use = use
        self.pem = pem
    }
}

/// The roots the CSMS installed, in the order it installed them, each parsed once: what the link trusts for
/// the CSMS's server certificate, what CertificateSigned chains are checked against, and what
/// GetInstalledCertificateIds and DeleteCertificate name by hash [M03–M05].
struct InstalledCertificates: Sendable {
    struct Entry: Sendable {
        var record: InstalledCertificate
        var certificate: Certificate
    }

    private(set) var entries: [Entry]

    /// What was validated when it was installed parses again; anything that does not (a store edited by hand)
    /// is left out rather than trusted.
    init(restoring records: [InstalledCertificate]) {
        entries = records.compactMap { record in
            guard let certificate = try? Certificate.parseChain(pem: record.pem).first else { return nil }
            return Entry(record: record, certificate: certificate)
        }
    }

    var count: Int { entries.count }

    func certificates(_ use: InstallCertificateUse) -> [Certificate] {
        entries.filter { $0.record.use == use }.map(\.certificate)
    }

    func contains(_ use: InstallCertificateUse, _ certificate: Certificate) -> Bool {
        entries.contains { $0.record.use == use && $0.certificate == certificate }
    }

    /// Adds `certificate` for `use`; returns the record to store.
    mutating func add(_ use: InstallCertificateUse, _ certificate: Certificate) -> InstalledCertificate {
        let record = InstalledCertificate(use: use, pem: certificate.pem)
        entries.append(Entry(record: record, certificate: certificate))
        return record
    }

    mutating func remove(at index: Int) -> InstalledCertificate {
        entries.remove(at: index).record
    }

    /// The hash data of entry `index`: a root is its own issuer; a sub-CA installed as a root is hashed with
    /// its issuer when that is installed too (without it the issuer's key is unknown, and its own stands in).
    func hashes(of index: Int, _ algorithm: Certificates.HashAlgorithm) -> CertificateHashes {
        let certificate = entries[index].certificate
        let issuer = certificate.isSelfIssued
            ? nil : entries.first { $0.certificate.subject == certificate.issuer }?.certificate
        return certificate.hashes(algorithm, issuer: issuer)
    }

    /// The first entry the CSMS's hash data names [M04.FR.07: hashed with the algorithm it names].
    func index(named data: CertificateHashData) -> Int? {
        let algorithm = Certificates.HashAlgorithm(data.hashAlgorithm)
        return entries.indices.first { index in
            hashes(of: index, algorithm).isNamed(
                issuerNameHash: data.issuerNameHash.value, issuerKeyHash: data.issuerKeyHash.value,
                serialNumber: data.serialNumber.value)
        }
    }
}

extension Certificates.HashAlgorithm {
    /// The same algorithm as the wire's enumeration spells it.
    init(_ wire: OCPP201.HashAlgorithm) {
        switch wire {
        case .sha256: self = .sha256
        case .sha384: self = .sha384
        case .sha512: self = .sha512
        }
    }
}

extension CertificateHashData {
    /// The wire form of hashes the Certificates module computed (lowercase hex; a serial is at most 20 bytes,
    /// so 40 hex digits, by RFC 5280 §4.1.2.2).
    init(_ hashes: CertificateHashes) {
        let algorithm: OCPP201.HashAlgorithm = switch hashes.hashAlgorithm {
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        }
        self.init(
            hashAlgorithm: algorithm, issuerNameHash: CiString(hashes.issuerNameHash)!,
            issuerKeyHash: CiString(hashes.issuerKeyHash)!, serialNumber: CiString(String(hashes.serialNumber.suffix(40)))!)
    }
}
