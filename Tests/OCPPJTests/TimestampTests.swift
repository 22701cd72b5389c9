import OCPPJ
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test func formatsAsUTCWithMilliseconds() {
        #expect(Timestamp(millisecondsSince1970: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSince1970: 1_795_851_265_123).iso8601 == "2026-11-28T07:34:25.123Z")
        #expect(Timestamp(millisecondsSince1970: 1_709_208_000_000).iso8601 == "2024-02-29T12:00:00.000Z")
        #expect(Timestamp(millisecondsSince1970: 253_402_300_799_999).iso8601 == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp(millisecondsSince1970: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(millisecondsSince1970: 5).description == "1970-01-01T00:00:00.005Z")
    }

    static let equivalentForms: [(String, Int64)] = [
        ("2026-11-28T07:34:25.123Z", 1_795_851_265_123),
        ("2026-11-28T07:34:25Z", 1_795_851_265_000),
        ("2026-11-28T07:34:25.1Z", 1_795_851_265_100),
        ("2026-11-28T07:34:25.12Z", 1_795_851_265_120),
        ("2026-11-28T07:34:25.123999999Z", 1_795_851_265_123),
        ("2026-11-28t07:34:25.123z", 1_795_851_265_123),
        ("2026-11-28T08:34:25.123+01:00", 1_795_851_265_123),
        ("2026-11-28T02:04:25.123-05:30", 1_795_851_265_123),
        ("2026-11-28T07:34:25.123-00:00", 1_795_851_265_123),
        ("2026-11-29T07:04:25.123+23:30", 1_795_851_265_123),
        ("2000-02-29T00:00:00Z", 951_782_400_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
        ("2026-12-31T23:59:60Z", 1_798_761_600_000),
    ]

    @Test(arguments: equivalentForms)
    func parsesRFC3339Forms(text: String, milliseconds: Int64) {
        #expect(Timestamp.parse(text)?.millisecondsSince1970 == milliseconds)
    }

    @Test func appliesZoneOffsets() {
        #expect(Timestamp.parse("2026-01-01T01:00:00+01:00") == Timestamp.parse("2026-01-01T00:00:00Z"))
        #expect(Timestamp.parse("2026-01-01T00:00:00Z")?.millisecondsSince1970 == 1_767_225_600_000)
        #expect(Timestamp.parse("2025-12-31T23:00:00-01:00")?.iso8601 == "2026-01-01T00:00:00.000Z")
    }

    static let rejected: [String] = [
        "",
        "2026-11-28T07:34:25",
        "2026-11-28T07:34:25.123",
        "2026-11-28",
        "2026-11-28 07:34:25Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-01-32T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z",
        "2026-01-01T00:00:61Z",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+01:60",
        "2026-01-01T00:00:00+0100",
        "2026-1-01T00:00:00Z",
        "26-01-01T00:00:00Z",
        "2026-01-01T00:00:00Zjunk",
        "2026-01-01T00:00:00UTC",
    ]

    @Test(arguments: rejected)
    func rejectsMalformedOrImpossibleDates(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTripsEveryDayAcrossCenturies() {
        var day: Int64 = -800
        while day < 2_932_896 {
            let timestamp = Timestamp(millisecondsSince1970: day * 86_400_000 + 45_296_789)
            guard Timestamp.parse(timestamp.iso8601) == timestamp else {
                Issue.record("\(timestamp.millisecondsSince1970) does not round-trip via \(timestamp.iso8601)")
                return
            }
            day += 89
        }
    }

    @Test func ordersByInstant() {
        let earlier = Timestamp.parse("2026-01-01T00:30:00+01:00")!
        let later = Timestamp.parse("2026-01-01T00:00:00Z")!
        #expect(earlier < later)
        #expect([later, earlier].sorted() == [earlier, later])
    }

    private struct Sample: Codable, Equatable {
        var timestamp: Timestamp
    }

    @Test func encodesAndDecodesAsAString() throws {
        let sample = Sample(timestamp: Timestamp(millisecondsSince1970: 1_795_851_265_123))
        #expect(JSONWriter.string(sample) == #"{"timestamp":"2026-11-28T07:34:25.123Z"}"#)
        let decoded = try StrictJSON.decode(
            Sample.self, from: .object(["timestamp": .string("2026-11-28T08:34:25.123+01:00")]))
        #expect(decoded == sample)
    }

    static let decodingFailures: [(JSONValue, PayloadError)] = [
        (
            .string("2026-13-01T00:00:00Z"),
            PayloadError(
                kind: .invalidValue, path: "timestamp",
                message: #""2026-13-01T00:00:00Z" is not an RFC 3339 date-time: month 13 is out of range"#)
        ),
        (
            .string("2026-02-29T00:00:00Z"),
            PayloadError(
                kind: .invalidValue, path: "timestamp",
                message: #""2026-02-29T00:00:00Z" is not an RFC 3339 date-time: day 29 does not exist in 2026-02"#)
        ),
        (
            .string("2026-01-01T24:00:00Z"),
            PayloadError(
                kind: .invalidValue, path: "timestamp",
                message: #""2026-01-01T24:00:00Z" is not an RFC 3339 date-time: hour 24 is out of range"#)
        ),
        (
            .string("2026-01-01T00:00:00"),
            PayloadError(
                kind: .invalidValue, path: "timestamp",
                message:
                    #""2026-01-01T00:00:00" is not an RFC 3339 date-time: missing time zone designator (Z or ±hh:mm)"#)
        ),
        (
            .string("2026-01-01 00:00:00Z"),
            PayloadError(
                kind: .invalidValue, path: "timestamp",
                message:
                    #""2026-01-01 00:00:00Z" is not an RFC 3339 date-time: expected 'T' after the date at position 10"#)
        ),
        (
            .integer(1_767_225_600),
            PayloadError(kind: .wrongType, path: "timestamp", message: "expected a string, found an integer")
        ),
    ]

    @Test(arguments: decodingFailures)
    func explainsWhyADateIsRejected(value: JSONValue, expected: PayloadError) {
        #expect(throws: expected) { try StrictJSON.decode(Sample.self, from: .object(["timestamp": value])) }
    }
}
