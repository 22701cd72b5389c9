import Testing

@testable import OCPP16
@testable import OCPPJ

/// The payloads read straight from the JSON tree (`JSONFastDecodable`) must read what the strict decoder
/// reads, and must leave everything it refuses to it: whatever the input, a fast result is the strict one.
@Suite("Fast reads against the strict decoder")
struct JSONFastDecodableTests {
    struct Case: Sendable, CustomStringConvertible {
        let type: any (JSONFastDecodable & Equatable & Sendable).Type
        let json: String
        /// Whether the fast read must take it (the everyday shape) or leave it to the strict decoder.
        let fast: Bool
        var description: String { "\(type) \(json)" }
    }

    static let cases: [Case] = [
        Case(type: IdTagInfo.self, json: #"{"status":"Accepted"}"#, fast: true),
        Case(type: IdTagInfo.self, json: #"{"status":"Blocked","expiryDate":"2026-12-07T10:00:00.000Z","parentIdTag":"P1"}"#, fast: true),
        Case(type: IdTagInfo.self, json: #"{"status":"accepted"}"#, fast: false),
        Case(type: IdTagInfo.self, json: #"{"status":"Accepted","parentIdTag":"123456789012345678901"}"#, fast: false),
        Case(type: IdTagInfo.self, json: #"{"status":"Accepted","expiryDate":"yesterday"}"#, fast: false),
        Case(type: IdTagInfo.self, json: #"{"status":"Accepted","expiryDate":null}"#, fast: false),
        Case(type: IdTagInfo.self, json: #"{"status":"Accepted","extra":1}"#, fast: false),
        Case(type: IdTagInfo.self, json: #"{}"#, fast: false),
        Case(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":42}"#, fast: true),
        Case(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":42.0}"#, fast: false),
        Case(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":"42"}"#, fast: false),
        Case(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted","x":1},"transactionId":1}"#, fast: false),
        Case(type: StartTransactionResponse.self, json: #"{"transactionId":42}"#, fast: false),
        Case(type: StartTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":9223372036854775808}"#, fast: false),
        Case(type: StopTransactionResponse.self, json: #"{}"#, fast: true),
        Case(type: StopTransactionResponse.self, json: #"{"idTagInfo":{"status":"Expired"}}"#, fast: true),
        Case(type: StopTransactionResponse.self, json: #"{"idTagInfo":{"status":"Maybe"}}"#, fast: false),
        Case(type: StopTransactionResponse.self, json: #"{"idTagInfo":[]}"#, fast: false),
        Case(type: AuthorizeResponse.self, json: #"{"idTagInfo":{"status":"Invalid"}}"#, fast: true),
        Case(type: AuthorizeResponse.self, json: #"{"idTagInfo":{"status":"Invalid"},"more":true}"#, fast: false),
        Case(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-12-07T10:00:00Z"}"#, fast: true),
        Case(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-12-07T10:00:00+01:00"}"#, fast: true),
        Case(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-13-07T10:00:00Z"}"#, fast: false),
        Case(type: HeartbeatResponse.self, json: #"{"currentTime":0}"#, fast: false),
        Case(type: HeartbeatResponse.self, json: #"{"currentTime":"2026-12-07T10:00:00Z","interval":300}"#, fast: false),
        Case(type: EmptyResponse.self, json: #"{}"#, fast: true),
        Case(type: EmptyResponse.self, json: #"{"status":"Accepted"}"#, fast: false),
        Case(type: GetConfigurationRequest.self, json: #"{}"#, fast: true),
        Case(type: GetConfigurationRequest.self, json: #"{"key":[]}"#, fast: true),
        Case(type: GetConfigurationRequest.self, json: #"{"key":["HeartbeatInterval","WebSocketPingInterval"]}"#, fast: true),
        Case(type: GetConfigurationRequest.self, json: #"{"key":["HeartbeatInterval",1]}"#, fast: false),
        Case(type: GetConfigurationRequest.self, json: #"{"key":"HeartbeatInterval"}"#, fast: false),
        Case(type: GetConfigurationRequest.self, json: #"{"key":["\#(String(repeating: "k", count: 51))"]}"#, fast: false),
        Case(type: GetConfigurationRequest.self, json: #"{"keys":[]}"#, fast: false),
        Case(type: DataTransferRequest.self, json: #"{"vendorId":"com.example"}"#, fast: true),
        Case(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","messageId":"m","data":"d"}"#, fast: true),
        Case(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","data":{"a":1}}"#, fast: false),
        Case(type: DataTransferRequest.self, json: #"{"messageId":"m"}"#, fast: false),
        Case(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","vendorID":"x"}"#, fast: false),
        Case(type: StopTransactionResponse.self, json: #"{"idTagInfo":{"status":"Accepted"},"transactionId":1}"#, fast: false),
        Case(type: DataTransferRequest.self, json: #"{"vendorId":"com.example","messageId":null}"#, fast: false),
    ]

    @Test("a fast read is the strict read, and only the everyday shapes are read fast", arguments: cases)
    func sameAsStrict(_ sample: Case) throws {
        let json = try JSONValue.parse(Array(sample.json.utf8))
        guard case .object(let members) = json else { Issue.record("not an object"); return }
        let fast = sample.type.init(fastJSON: members)
        #expect((fast != nil) == sample.fast, "\(sample)")
        if let fast {
            let strict = try StrictDecoder(json, at: .root).decode(sample.type)
            #expect(fast.isEqual(to: strict), "\(sample)")
        }
        // Through the public door either way: the same value, or the strict decoder's error.
        let viaStrictJSON = Result { () throws(PayloadError) in try StrictJSON.decode(sample.type, from: json) }
        let viaDecoder = Result { () throws(PayloadError) in try StrictDecoder(json, at: .root).decode(sample.type) }
        switch (viaStrictJSON, viaDecoder) {
        case (.success(let lhs), .success(let rhs)): #expect(lhs.isEqual(to: rhs), "\(sample)")
        case (.failure(let lhs), .failure(let rhs)): #expect("\(lhs)" == "\(rhs)", "\(sample)")
        default: Issue.record("StrictJSON and the strict decoder disagree on \(sample)")
        }
    }
}

extension Equatable {
    fileprivate func isEqual(to other: Any) -> Bool {
        (other as? Self) == self
    }
}
