import Glibc

/// An instant as OCPP's `dateTime` fields carry it, held as milliseconds since the Unix epoch
/// because that is exact, cheap to compare and what the wire format can express.
///
/// Always written as UTC with exactly three fractional digits (`2026-11-28T07:34:25.123Z`), the
/// form central systems parse most reliably; read from any RFC 3339 date-time, because charge
/// point vendors' and central systems' clocks disagree on precision and offsets.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, JSONScalar {
    public let millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// Nil unless `string` is an RFC 3339 date-time with a zone designator. Fractional digits
    /// beyond milliseconds are truncated. A leap second (`:60`) counts as the first second of the
    /// next minute, since the epoch count has no room for it.
    public static func parse(_ string: String) -> Timestamp? {
        try? Timestamp(rfc3339: string)
    }

    init(rfc3339 string: String) throws(TimestampSyntaxError) {
        var reader = RFC3339Reader(Array(string.utf8))
        self.init(millisecondsSince1970: try reader.readDateTime())
    }

    /// `YYYY-MM-DDThh:mm:ss.sssZ`. Years outside 0000...9999 get a sign or a fifth digit, which
    /// RFC 3339 cannot express; no OCPP clock produces them.
    public var iso8601: String {
        var text: [UInt8] = []
        text.reserveCapacity(25)
        appendISO8601(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `iso8601`, written in place: every timestamp of every message and record comes here, so no string is
    /// made on the way (a JSON string of it needs no escaping).
    func appendISO8601(to text: inout [UInt8]) {
        let millisecondsPerDay: Int64 = 86_400_000
        var days = millisecondsSince1970 / millisecondsPerDay
        var millisecondOfDay = millisecondsSince1970 % millisecondsPerDay
        if millisecondOfDay < 0 {
            days -= 1
            millisecondOfDay += millisecondsPerDay
        }
        let date = CivilDate(daysSince1970: days)
        if date.year < 0 {
            text.append(UInt8(ascii: "-"))
        }
        Self.append(date.year.magnitude, width: 4, to: &text)
        // The fixed-width rest, "-MM-DDTHH:MM:SS.sssZ", is put together on the stack and appended at once.
        let millisecond = millisecondOfDay % 1000
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { rest in
            func write(_ value: Int64, at index: Int) {
                rest[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
                rest[index + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            }
            rest[0] = UInt8(ascii: "-")
            write(date.month, at: 1)
            rest[3] = UInt8(ascii: "-")
            write(date.day, at: 4)
            rest[6] = UInt8(ascii: "T")
            write(millisecondOfDay / 3_600_000, at: 7)
            rest[9] = UInt8(ascii: ":")
            write(millisecondOfDay / 60_000 % 60, at: 10)
            rest[12] = UInt8(ascii: ":")
            write(millisecondOfDay / 1000 % 60, at: 13)
            rest[15] = UInt8(ascii: ".")
            rest[16] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: millisecond / 100)
            write(millisecond % 100, at: 17)
            rest[19] = UInt8(ascii: "Z")
            text.append(contentsOf: UnsafeBufferPointer(rest))
        }
    }

    /// Zero-padded to `width` digits (more when the value needs them), most significant first.
    private static func append(_ value: UInt64, width: Int, to text: inout [UInt8]) {
        var digits = 1
        var power: UInt64 = 1
        while digits < width || value / power >= 10 {
            digits += 1
            power *= 10
        }
        while power > 0 {
            text.append(UInt8(ascii: "0") + UInt8(value / power % 10))
            power /= 10
        }
    }

    public var description: String {
        iso8601
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(rfc3339: string)
        } catch {
            throw decoder.payloadError(.invalidValue, "\"\(string)\" is not an RFC 3339 date-time: \(error.reason)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }

    public func appendJSON(to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        appendISO8601(to: &output)
        output.append(UInt8(ascii: "\""))
    }
}

/// What is wrong with a date-time string, phrased to follow "is not an RFC 3339 date-time: ".
struct TimestampSyntaxError: Error {
    let reason: String
}

/// Reads `full-date "T" full-time` from RFC 3339 §5.6, accepting lowercase `t` and `z` as the
/// RFC allows.
struct RFC3339Reader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func readDateTime() throws(TimestampSyntaxError) -> Int64 {
        let year = try readNumber(digits: 4, of: "year")
        try expect("-", after: "year")
        let month = try readNumber(digits: 2, of: "month")
        try expect("-", after: "month")
        let day = try readNumber(digits: 2, of: "day")
        try expect("T", orLowercase: true, after: "date")
        let hour = try readNumber(digits: 2, of: "hour")
        try expect(":", after: "hour")
        let minute = try readNumber(digits: 2, of: "minute")
        try expect(":", after: "minute")
        let second = try readNumber(digits: 2, of: "second")
        let millisecond = try readFraction()
        let offsetSeconds = try readZoneOffset()
        guard offset == bytes.count else {
            throw TimestampSyntaxError(reason: "unexpected characters after the time zone")
        }

        try require(1...12 ~= month, "month \(month) is out of range")
        try require(
            1...CivilDate.daysInMonth(month, of: year) ~= day,
            "day \(day) does not exist in \(year)-\(Self.twoDigits(month))")
        try require(0...23 ~= hour, "hour \(hour) is out of range")
        try require(0...59 ~= minute, "minute \(minute) is out of range")
        try require(0...60 ~= second, "second \(second) is out of range")

        let days = CivilDate(year: year, month: month, day: day).daysSince1970
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return seconds * 1000 + millisecond
    }

    /// Milliseconds from an optional `.digits` part; digits beyond the third are dropped.
    private mutating func readFraction() throws(TimestampSyntaxError) -> Int64 {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ".") else {
            return 0
        }
        offset += 1
        var millisecond: Int64 = 0
        var digitCount = 0
        while let digit = nextDigit() {
            if digitCount < 3 {
                millisecond = millisecond * 10 + digit
            }
            digitCount += 1
        }
        try require(digitCount > 0, "expected digits after the decimal point")
        for _ in min(digitCount, 3)..<3 {
            millisecond *= 10
        }
        return millisecond
    }

    /// Seconds east of UTC. A zone designator is mandatory: a local time without one names no
    /// instant, and guessing the zone would shift transactions by hours.
    private mutating func readZoneOffset() throws(TimestampSyntaxError) -> Int64 {
        guard offset < bytes.count else {
            throw TimestampSyntaxError(reason: "missing time zone designator (Z or ±hh:mm)")
        }
        let designator = bytes[offset]
        offset += 1
        switch designator {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let hours = try readNumber(digits: 2, of: "offset hour")
            try expect(":", after: "offset hour")
            let minutes = try readNumber(digits: 2, of: "offset minute")
            try require(0...23 ~= hours, "offset hour \(hours) is out of range")
            try require(0...59 ~= minutes, "offset minute \(minutes) is out of range")
            let seconds = hours * 3_600 + minutes * 60
            return designator == UInt8(ascii: "-") ? -seconds : seconds
        default:
            throw TimestampSyntaxError(
                reason: "expected a time zone designator (Z or ±hh:mm) at position \(offset - 1)")
        }
    }

    private mutating func readNumber(digits count: Int, of field: String) throws(TimestampSyntaxError) -> Int64 {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let digit = nextDigit() else {
                throw TimestampSyntaxError(reason: "expected \(count) digits for the \(field) at position \(offset)")
            }
            value = value * 10 + digit
        }
        return value
    }

    private mutating func nextDigit() -> Int64? {
        guard offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) else {
            return nil
        }
        offset += 1
        return Int64(bytes[offset - 1] - UInt8(ascii: "0"))
    }

    private mutating func expect(
        _ separator: Unicode.Scalar, orLowercase acceptsLowercase: Bool = false, after field: String
    ) throws(TimestampSyntaxError) {
        let expected = UInt8(ascii: separator)
        guard offset < bytes.count, bytes[offset] == expected || (acceptsLowercase && bytes[offset] == expected | 0x20)
        else {
            throw TimestampSyntaxError(reason: "expected '\(separator)' after the \(field) at position \(offset)")
        }
        offset += 1
    }

    private func require(_ condition: Bool, _ reason: @autoclosure () -> String) throws(TimestampSyntaxError) {
        if !condition {
            throw TimestampSyntaxError(reason: reason())
        }
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

extension Timestamp {
    /// The system's real-time clock. Only the edges read it: the engine is handed the time instead.
    public static var now: Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(millisecondsSince1970: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }
}
