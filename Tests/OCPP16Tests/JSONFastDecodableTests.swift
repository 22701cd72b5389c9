import Testing

@testable import OCPP16
import TestFixtures

/// The payloads read straight from the JSON tree (`JSONFastDecodable`) must read what the strict decoder
/// reads, and must leave everything it refuses to it: whatever the input, a fast result is the strict one.
@Suite("Fast reads against the strict decoder")
struct JSONFastDecodableTests {
    static let cases: [FastReadCase] = [
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"Accepted"}"#, fast: true),
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"Blocked","expiryDate":"2026-12-07T10:00:00.000Z","parentIdTag":"P1"}"#, fast: true),
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"accepted"}"#, fast: false),
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"Accepted","parentIdTag":"123456789012345678901"}"#, fast: false),
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"Accepted","expiryDate":"yesterday"}"#, fast: false),
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"Accepted","expiryDate":null}"#, fast: false),
        FastReadCase(type: IdTagInfo.self, json: #"{"status":"Accepted","extra":1}"#, fast: false),
        FastReadCase(type: IdTagInfo.self, json: #"{}"#, fast: false),
        FastReadCase(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":42}"#, fast: true),
        FastReadCase(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":42.0}"#, fast: false),
        FastReadCase(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":"42"}"#, fast: false),
        FastReadCase(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted","x":1},"transactionId":1}"#, fast: false),
        FastReadCase(type: StartTransactionResponse.self, json: #"{"transactionId":42}"#, fast: false),
        FastReadCase(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":9223372036854775808}"#, fast: false),
        FastReadCase(type: StopTransactionResponse.self, json: #"{}"#, fast: true),
        FastReadCase(type: StopTransactionResponse.self, json: #"{"idTagInfo":{"status":"Expired"}}"#, fast: true),
        FastReadCase(type: StopTransactionResponse.self, json: #"{"idTagInfo":{"status":"Maybe"}}"#, fast: false),
        FastReadCase(type: StopTransactionResponse.self, json: #"{"idTagInfo":[]}"#, fast: false),
        FastReadCase(type: AuthorizeResponse.self, json: #"{"idTagInfo":{"status":"Invalid"}}"#, fast: true),
        FastReadCase(type: AuthorizeResponse.self, json: #"{"idTagInfo":{"status":"Invalid"},"more":true}"#, fast: false),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-12-07T10:00:00Z"}"#, fast: true),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-12-07T10:00:00+01:00"}"#, fast: true),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-13-07T10:00:00Z"}"#, fast: false),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":0}"#, fast: false),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-12-07T10:00:00Z","interval":300}"#, fast: false),
        FastReadCase(type: EmptyResponse.self, json: #"{}"#, fast: true),
        FastReadCase(type: EmptyResponse.self, json: #"{"status":"Accepted"}"#, fast: false),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{}"#, fast: true),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{"key":[]}"#, fast: true),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{"key":["HeartbeatInterval","WebSocketPingInterval"]}"#, fast: true),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{"key":["HeartbeatInterval",1]}"#, fast: false),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{"key":"HeartbeatInterval"}"#, fast: false),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{"key":["\#(String(repeating: "k", count: 51))"]}"#, fast: false),
        FastReadCase(type: GetConfigurationRequest.self, json: #"{"keys":[]}"#, fast: false),
        FastReadCase(type: DataTransferRequest.self, json: #"{"vendorId":"com.example"}"#, fast: true),
        FastReadCase(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","messageId":"m","data":"d"}"#, fast: true),
        FastReadCase(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","data":{"a":1}}"#, fast: false),
        FastReadCase(type: DataTransferRequest.self, json: #"{"messageId":"m"}"#, fast: false),
        FastReadCase(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","vendorID":"x"}"#, fast: false),
        FastReadCase(type: StopTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":1}"#, fast: false),
        FastReadCase(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","messageId":null}"#, fast: false),
    ]

    @Test("a fast read is the strict read, and only the everyday shapes are read fast", arguments: cases)
    func sameAsStrict(_ sample: FastReadCase) throws {
        try sample.check()
    }
}
