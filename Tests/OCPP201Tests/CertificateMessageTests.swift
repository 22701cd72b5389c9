import OCPP201
import Testing

/// The messages of functional block M and A02, both ways: strict decoding of what the CSMS sends, and answers
/// and CSRs encoded in schema order with absent optionals left out.
@Suite("Certificate messages")
struct CertificateMessageTests {
    static let hashData = #"{"hashAlgorithm":"SHA384","issuerNameHash":"ab","issuerKeyHash":"cd","serialNumber":"1f"}"#

    @Test func getInstalledCertificateIdsTakesAListOfTypesOrNone() throws {
        #expect(try decode(GetInstalledCertificateIdsRequest.self, "{}") == GetInstalledCertificateIdsRequest())
        let both = #"{"certificateType":["V2GCertificateChain","CSMSRootCertificate"]}"#
        #expect(try decode(GetInstalledCertificateIdsRequest.self, both)
            == GetInstalledCertificateIdsRequest(certificateType: [.v2gCertificateChain, .csmsRootCertificate]))
        #expect(throws: PayloadError.self) { try decode(GetInstalledCertificateIdsRequest.self, #"{"certificateType":[]}"#) }
    }

    @Test func deleteCertificateCarriesTheHashData() throws {
        let expected = DeleteCertificateRequest(certificateHashData: CertificateHashData(
            hashAlgorithm: .sha384, issuerNameHash: "ab", issuerKeyHash: "cd", serialNumber: "1f"))
        #expect(try decode(DeleteCertificateRequest.self, #"{"certificateHashData":\#(Self.hashData)}"#) == expected)
    }

    @Test func aChainWithMoreThanFourChildrenIsRefused() throws {
        let children = Array(repeating: Self.hashData, count: 5).joined(separator: ",")
        let json = #"{"status":"Accepted","certificateHashDataChain":[{"certificateType":"V2GCertificateChain","#
            + #""certificateHashData":\#(Self.hashData),"childCertificateHashData":[\#(children)]}]}"#
        #expect(throws: PayloadError.self) { try decode(GetInstalledCertificateIdsResponse.self, json) }
    }

    @Test func installAndCertificateSignedDecodeTheirTypes() throws {
        #expect(try decode(InstallCertificateRequest.self, #"{"certificateType":"MORootCertificate","certificate":"P"}"#)
            == InstallCertificateRequest(certificateType: .moRootCertificate, certificate: "P"))
        #expect(try decode(CertificateSignedRequest.self, #"{"certificateChain":"C","certificateType":"V2GCertificate"}"#)
            == CertificateSignedRequest(certificateChain: "C", certificateType: .v2gCertificate))
        #expect(try decode(SignCertificateResponse.self, #"{"status":"Rejected"}"#) == SignCertificateResponse(status: .rejected))
    }

    @Test func answersAndTheCSRAreWrittenInSchemaOrder() {
        let chain = CertificateHashDataChain(
            certificateType: .csmsRootCertificate,
            certificateHashData: CertificateHashData(
                hashAlgorithm: .sha256, issuerNameHash: "ab", issuerKeyHash: "cd", serialNumber: "1"))
        #expect(JSONWriter.string(GetInstalledCertificateIdsResponse(status: .accepted, certificateHashDataChain: [chain]))
            == #"{"status":"Accepted","certificateHashDataChain":[{"certificateType":"CSMSRootCertificate","#
            + #""certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"ab","issuerKeyHash":"cd","serialNumber":"1"}}]}"#)
        #expect(JSONWriter.string(GetInstalledCertificateIdsResponse(status: .notFound)) == #"{"status":"NotFound"}"#)
        #expect(JSONWriter.string(SignCertificateRequest(csr: "R", certificateType: .chargingStationCertificate))
            == #"{"csr":"R","certificateType":"ChargingStationCertificate"}"#)
    }
}
