@testable import ChargePoint
import Testing

@testable import OCPP16

/// The records the store saves most write their members themselves; they must write what their
/// `Encodable` conformance writes, which is also what the store reads back.
@Suite("Records written directly against Codable")
struct RecordEncodingTests {
    static let time = Timestamp(millisecondsSince1970: 1_700_000_000_000)

    @Test("a transaction record, begun and finished")
    func transactionRecord() {
        var record = TransactionRecord(localId: 3, connectorId: 1, idTag: "TAG1", meterStart: 100, startedAt: Self.time)
        #expect(JSONWriter.encode(record) == JSONWriter.throughEncoder(record))
        record.transactionId = 42
        record.startAuthorization = .accepted
        record.meterStop = 900
        record.stoppedAt = Self.time
        record.stopReason = .local
        record.stopTransactionData = [MeterValue(timestamp: Self.time, sampledValue: [SampledValue(value: "900")])]
        #expect(JSONWriter.encode(record) == JSONWriter.throughEncoder(record))
    }

    @Test("an authorization cache entry")
    func cacheEntry() {
        let entry = AuthorizationCache.Entry(
            idTag: "TAG1", info: IdTagInfo(status: .accepted, expiryDate: Self.time), lastUsed: Self.time)
        #expect(JSONWriter.encode(entry) == JSONWriter.throughEncoder(entry))
    }
}
