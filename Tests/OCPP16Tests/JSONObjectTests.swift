import Testing

@testable import OCPP16

/// The messages that write their members themselves (`JSONObject`) must write what their `Encodable`
/// conformance writes, member for member: with every optional member set, and with every one left out.
@Suite("Hand-written JSON objects against Codable")
struct JSONObjectTests {
    static let time = Timestamp(millisecondsSince1970: 1_700_000_000_123)
    static let full = SampledValue(
        value: "12.5", context: .samplePeriodic, format: .raw, measurand: .currentImport, phase: .l1N,
        location: .outlet, unit: .a)
    static let bare = SampledValue(value: "0")
    static let meterValue = MeterValue(timestamp: time, sampledValue: [full, bare])

    static let objects: [any JSONObject & Sendable] = [
        full, bare, meterValue, MeterValue(timestamp: time, sampledValue: []),
        KeyValue(key: "HeartbeatInterval", readonly: false, value: "300"), KeyValue(key: "K\"ey", readonly: true, value: nil),
        MeterValuesRequest(connectorId: 1, transactionId: 7, meterValue: [meterValue]),
        MeterValuesRequest(connectorId: 0, transactionId: nil, meterValue: []),
        StartTransactionRequest(connectorId: 2, idTag: "TAG1", meterStart: 1000, reservationId: 3, timestamp: time),
        StartTransactionRequest(connectorId: 2, idTag: "TAG1", meterStart: 0, timestamp: time),
        StopTransactionRequest(idTag: "TAG1", meterStop: 2000, timestamp: time, transactionId: 7, reason: .evDisconnected,
                               transactionData: [meterValue]),
        StopTransactionRequest(idTag: nil, meterStop: 2000, timestamp: time, transactionId: -1, reason: nil,
                               transactionData: nil),
        StatusNotificationRequest(connectorId: 1, errorCode: .noError, info: "info", status: .charging, timestamp: time),
        StatusNotificationRequest(connectorId: 0, errorCode: .otherError, status: .faulted, timestamp: nil),
        HeartbeatRequest(), AuthorizeRequest(idTag: "tag\\u{1}"),
        GetConfigurationResponse(configurationKey: [KeyValue(key: "A", readonly: true, value: "1")], unknownKey: ["B", "C"]),
        GetConfigurationResponse(configurationKey: nil, unknownKey: nil),
        DataTransferResponse(status: .accepted, data: "x\\ny"), DataTransferResponse(status: .unknownVendorId),
        IdTagInfo(status: .accepted, expiryDate: time, parentIdTag: "PARENT"), IdTagInfo(status: .blocked),
    ]

    @Test("the same bytes as through Encodable", arguments: 0..<objects.count)
    func sameBytes(index: Int) {
        let object = Self.objects[index]
        #expect(JSONWriter.encode(object) == JSONWriter.throughEncoder(object), "\(object)")
    }

    @Test("vendor fields of StatusNotification are written too")
    func vendorFields() {
        var request = StatusNotificationRequest(connectorId: 1, errorCode: .otherError, status: .faulted, timestamp: nil)
        request.vendorId = "Vendor"
        request.vendorErrorCode = "E42"
        #expect(JSONWriter.string(request)
            == #"{"connectorId":1,"errorCode":"OtherError","status":"Faulted","vendorId":"Vendor","vendorErrorCode":"E42"}"#)
        #expect(JSONWriter.encode(request) == JSONWriter.throughEncoder(request))
    }
}
