import OCPP201
import Station201
import TestFixtures
import Testing

@testable import Store

@Suite struct Store201CertificateTests {
    /// Installed roots come back in the order they were installed, a deleted one is gone, the same root
    /// twice is one; the signed certificate and the pending request are replaced as a whole, and the pending
    /// request is removed once answered.
    @Test func certificatesTheSignedCertificateAndThePendingRequestSurviveARestart() throws {
        let folder = try TemporaryDirectory()
        let manufacturer = InstalledCertificate(use: .manufacturerRootCertificate, pem: "M")
        let csms = InstalledCertificate(use: .csmsRootCertificate, pem: "C")
        let deleted = InstalledCertificate(use: .csmsRootCertificate, pem: "D")
        let signed = SignedStationCertificate(chainPEM: "CHAIN", keyPEM: "KEY")
        let request = PendingCertificateRequest(csr: "CSR", keyPEM: "KEY2")
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.installedCertificate(manufacturer), .installedCertificate(deleted), .installedCertificate(csms)])
            try store.apply([
                .installedCertificate(manufacturer), .installedCertificateRemoved(deleted),
                .stationCertificate(SignedStationCertificate(chainPEM: "OLD", keyPEM: "OLDKEY")), .stationCertificate(signed),
                .pendingCertificateRequest(PendingCertificateRequest(csr: "X", keyPEM: "Y")),
            ])
        }
        let loaded = try Store201(directory: folder.path).load()
        #expect(loaded.installedCertificates == [manufacturer, csms])
        #expect(loaded.stationCertificate == signed)
        #expect(loaded.pendingCertificateRequest == PendingCertificateRequest(csr: "X", keyPEM: "Y"))
        do {
            let store = try Store201(directory: folder.path)
            try store.apply([.pendingCertificateRequest(request)])
            #expect(try store.load().pendingCertificateRequest == request)
            try store.apply([.pendingCertificateRequest(nil)])
        }
        #expect(try Store201(directory: folder.path).load().pendingCertificateRequest == nil)
    }
}
