import Foundation
import OCPP16
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    static let accepted: [(String, JSONValue)] = [
        ("{}", .object([:])),
        ("[]", .array([])),
        (" \t\n\r[1 , 2 ]\r\n", .array([.integer(1), .integer(2)])),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("null", .null),
        (#""a\"\\\/\b\f\n\r\t""#, .string("a\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u00C9""#, .string("éÉ")),
        (#""\uD83D\uDE00""#, .string("😀")),
        (#""\u0000""#, .string("\u{0}")),
        ("\"héllo ⚡\"", .string("héllo ⚡")),
        ("-0", .integer(0)),
        ("9223372036854775807", .integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .number(9_223_372_036_854_775_808.0)),
        ("-9223372036854775809", .number(-9_223_372_036_854_775_809.0)),
        ("1.5", .number(1.5)),
        ("3.0", .number(3)),
        ("1e3", .number(1000)),
        ("-2.5E-3", .number(-0.0025)),
        ("0.1e+2", .number(10)),
        (
            #"{"a":{"b":[1,{"c":null}]},"d":"e"}"#,
            .object(["a": .object(["b": .array([.integer(1), .object(["c": .null])])]), "d": .string("e")])
        ),
    ]

    @Test(arguments: accepted)
    func acceptsValidJSON(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    static let rejected: [(String, String)] = [
        ("", "unexpected end of input at byte 0"),
        ("   ", "unexpected end of input at byte 3"),
        ("[1,]", "unexpected character ']' at byte 3"),
        (#"{"a":1,}"#, "unexpected character '}' at byte 7"),
        ("[1 2]", "unexpected character '2' at byte 3"),
        ("[1]]", "unexpected character ']' at byte 3"),
        (#"{"a" 1}"#, "unexpected character '1' at byte 5"),
        ("{1:2}", "unexpected character '1' at byte 1"),
        (#"{"a":1}x"#, "unexpected character 'x' at byte 7"),
        (#"{"a":1,"a":2}"#, #"duplicate key "a" at byte 7"#),
        ("01", "leading zero in number at byte 0"),
        ("-01", "leading zero in number at byte 0"),
        ("-", "unexpected end of input at byte 1"),
        ("1.", "unexpected end of input at byte 2"),
        ("1.e5", "unexpected character 'e' at byte 2"),
        (".5", "unexpected character '.' at byte 0"),
        ("1e", "unexpected end of input at byte 2"),
        ("+1", "unexpected character '+' at byte 0"),
        ("1e400", "number out of range at byte 0"),
        ("NaN", "unexpected character 'N' at byte 0"),
        ("// comment\n1", "unexpected character '/' at byte 0"),
        ("[1] /* comment */", "unexpected character '/' at byte 4"),
        ("'a'", "unexpected character ''' at byte 0"),
        ("tru", "unexpected end of input at byte 3"),
        ("nul1", "unexpected character '1' at byte 3"),
        ("True", "unexpected character 'T' at byte 0"),
        (#""abc"#, "unterminated string at byte 0"),
        ("\"a\nb\"", "unescaped control character U+000A in string at byte 2"),
        ("\"a\tb\"", "unescaped control character U+0009 in string at byte 2"),
        (#""\x""#, "invalid escape character 'x' at byte 1"),
        (#""\u12G4""#, "\\u escape needs a hex digit, found character 'G' at byte 5"),
        (#""\uD800""#, "unpaired surrogate \\uD800 at byte 1"),
        (#""\uDC00""#, "unpaired surrogate \\uDC00 at byte 1"),
        (#""\uD800\u0041""#, "unpaired surrogate \\uD800 at byte 1"),
        (#""x\uD83Dy""#, "unpaired surrogate \\uD83D at byte 2"),
        ("[\u{1}]", "unexpected byte 0x01 at byte 1"),
    ]

    @Test(arguments: rejected)
    func rejectsInvalidJSON(text: String, expected: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\""), UInt8(ascii: "]")]
        #expect(throws: JSONSyntaxError(offset: 1, reason: "invalid UTF-8 in string")) { try JSONValue.parse(bytes) }
    }

    @Test func nestingIsLimitedTo64LevelsByDefault() throws {
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        var value = try JSONValue.parse(allowed)
        var levels = 0
        while case .array(let items) = value {
            levels += 1
            value = items.first ?? .null
        }
        #expect(levels == 64)
        #expect(throws: JSONSyntaxError(offset: 64, reason: "nesting deeper than 64 levels")) {
            try JSONValue.parse(tooDeep)
        }
    }

    @Test func nestingLimitCountsObjectsAndIsConfigurable() throws {
        #expect(try JSONValue.parse(#"{"a":[1]}"#, maxDepth: 2) == .object(["a": .array([.integer(1)])]))
        #expect(throws: JSONSyntaxError(offset: 5, reason: "nesting deeper than 1 levels")) {
            try JSONValue.parse(#"{"a":[1]}"#, maxDepth: 1)
        }
    }

    @Test func hostileNestingFailsWithoutExhaustingTheStack() {
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONSyntaxError(offset: 64, reason: "nesting deeper than 64 levels")) {
            try JSONValue.parse(hostile)
        }
    }

    @Test func parsesNonContiguousCollections() throws {
        let bytes = Array(#"{"k":[true]}"#.utf8).lazy.map { $0 }
        #expect(try JSONValue.parse(bytes) == .object(["k": .array([.bool(true)])]))
    }
}

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test func sortsObjectKeysAndWritesCompactly() {
        let value: JSONValue = .object([
            "b": .array([.integer(1), .null, .bool(false)]),
            "a": .object(["z": .string("x"), "y": .integer(-7)]),
        ])
        #expect(value.serialized() == #"{"a":{"y":-7,"z":"x"},"b":[1,null,false]}"#)
    }

    @Test func escapesStrings() {
        let value = JSONValue.string("q\"b\\s/\n\r\t\u{8}\u{C}\u{0}\u{1F}é😀")
        #expect(value.serialized() == #""q\"b\\s/\n\r\t\b\f\u0000\u001fé😀""#)
    }

    static let numbers: [(Double, String)] = [
        (11.0, "11"),
        (-3.0, "-3"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (1.5, "1.5"),
        (1e-7, "1e-07"),
        (9_007_199_254_740_992, "9007199254740992"),
        (1e20, "1e+20"),
        (1.5e16, "1.5e+16"),
        (.nan, "null"),
        (.infinity, "null"),
        (-.infinity, "null"),
    ]

    @Test(arguments: numbers)
    func printsDoublesAsValidJSON(number: Double, expected: String) {
        #expect(JSONValue.number(number).serialized() == expected)
    }

    @Test func printsExtremeIntegers() {
        #expect(JSONValue.integer(.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.integer(.max).serialized() == "9223372036854775807")
        #expect(JSONValue.integer(0).serialized() == "0")
    }

    @Test func writeAppendsToExistingBytes() {
        var output = Array("[2,".utf8)
        JSONValue.object(["id": .string("1")]).write(into: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"[2,{"id":"1"}"#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let value: JSONValue = .object([
            "text": .string("line\nbreak \"quoted\" \u{1} ⚡"),
            "numbers": .array([
                .integer(.min), .integer(.max), .number(0.1), .number(-2.5e-300), .number(1.7976931348623157e308),
            ]),
            "nested": .object(["empty": .object([:]), "list": .array([]), "flag": .bool(true), "nothing": .null]),
        ])
        #expect(try JSONValue.parse(value.serialized()) == value)
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    struct Reading: Encodable {
        var zeta: Int
        var alpha: String?
        var mid: [Double]
        var flag: Bool?
    }

    @Test func omitsNilOptionalsAndKeepsDeclarationOrder() {
        #expect(
            JSONWriter.string(Reading(zeta: 1, alpha: nil, mid: [1.5, 2], flag: nil)) == #"{"zeta":1,"mid":[1.5,2]}"#)
        #expect(
            JSONWriter.string(Reading(zeta: -2, alpha: "a\"b", mid: [], flag: false))
                == #"{"zeta":-2,"alpha":"a\"b","mid":[],"flag":false}"#)
    }

    struct Scalars: Encodable {
        var status: ChargePointStatus = .available
        var idTag: CiString<20> = "TAG\"1"
        var time = Timestamp(millisecondsSince1970: 1_700_000_000_123)
        var optionalTime: Timestamp? = nil
        var list: [Measurand] = [.energyActiveImportRegister, .powerActiveImport]
    }

    struct Single: Encodable {
        var time = Timestamp(millisecondsSince1970: 0)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(time)
        }
    }

    @Test("enumerations, bounded strings and timestamps are written in place, as Codable would write them")
    func writesScalarsInPlace() {
        #expect(
            JSONWriter.string(Scalars())
                == #"{"status":"Available","idTag":"TAG\"1","time":"2023-11-14T22:13:20.123Z","#
                + #""list":["Energy.Active.Import.Register","Power.Active.Import"]}"#)
        #expect(JSONWriter.string(Single()) == #""1970-01-01T00:00:00.000Z""#)
        #expect(JSONWriter.string([Timestamp(millisecondsSince1970: -1)]) == #"["1969-12-31T23:59:59.999Z"]"#)
    }

    struct Primitives: Encodable {
        var int8: Int8 = -8
        var int16: Int16 = -16
        var int32: Int32 = -32
        var int64: Int64 = .min
        var uint: UInt = 1
        var uint8: UInt8 = 255
        var uint16: UInt16 = 16
        var uint32: UInt32 = 32
        var uint64: UInt64 = .max
        var float: Float = 0.1
        var double: Double = 0.1
        var wholeFloat: Float = 16
        var notANumber: Double = .nan
    }

    @Test func writesEveryPrimitive() {
        #expect(
            JSONWriter.string(Primitives())
                == #"{"int8":-8,"int16":-16,"int32":-32,"int64":-9223372036854775808,"uint":1,"uint8":255,"#
                + #""uint16":16,"uint32":32,"uint64":18446744073709551615,"float":0.1,"double":0.1,"wholeFloat":16,"#
                + #""notANumber":null}"#)
    }

    /// Writes a nested object and array, then continues with the parent, as hand-written code may.
    struct Envelope: Encodable {
        enum Keys: String, CodingKey {
            case header, items, trailer, explicitNull
        }
        enum HeaderKeys: String, CodingKey {
            case version
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var header = container.nestedContainer(keyedBy: HeaderKeys.self, forKey: .header)
            try header.encode("1.6", forKey: .version)
            var items = container.nestedUnkeyedContainer(forKey: .items)
            try items.encode(1)
            var pair = items.nestedUnkeyedContainer()
            try pair.encode("a")
            try pair.encodeNil()
            try items.encode([String: Int]())
            try container.encode(true, forKey: .trailer)
            try container.encodeNil(forKey: .explicitNull)
        }
    }

    @Test func closesNestedContainersWhenTheParentContinues() {
        #expect(
            JSONWriter.string(Envelope())
                == #"{"header":{"version":"1.6"},"items":[1,["a",null],{}],"trailer":true,"explicitNull":null}"#)
    }

    struct Silent: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    struct WithSuper: Encodable {
        enum Keys: String, CodingKey {
            case own, base
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .own)
            try ["x": 2].encode(to: container.superEncoder(forKey: .base))
            _ = container.superEncoder()
        }
    }

    @Test func fillsValuesThatWroteNothingWithEmptyObjects() {
        #expect(JSONWriter.string(Silent()) == "{}")
        #expect(JSONWriter.string([Silent(), Silent()]) == "[{},{}]")
        #expect(JSONWriter.string(WithSuper()) == #"{"own":1,"base":{"x":2},"super":{}}"#)
    }

    /// Asks for its keyed container twice, as a subclass calling `super.encode(to:)` does.
    struct TwoRequests: Encodable {
        enum Keys: String, CodingKey {
            case first, second
        }

        func encode(to encoder: any Encoder) throws {
            var first = encoder.container(keyedBy: Keys.self)
            try first.encode(1, forKey: .first)
            var second = encoder.container(keyedBy: Keys.self)
            try second.encode(2, forKey: .second)
        }
    }

    @Test func repeatedContainerRequestsShareOneObject() {
        #expect(JSONWriter.string(TwoRequests()) == #"{"first":1,"second":2}"#)
    }

    @Test func writesTopLevelScalarsAndOptionals() {
        #expect(JSONWriter.string("plain") == #""plain""#)
        #expect(JSONWriter.string(42) == "42")
        #expect(JSONWriter.string([1, nil, 3] as [Int?]) == "[1,null,3]")
        #expect(JSONWriter.encode(true) == Array("true".utf8))
    }

    @Test func writesJSONValuesAsTheSerializerDoes() {
        let value: JSONValue = .object([
            "z": .array([.number(1e-7), .integer(3), .null]),
            "a": .object(["k": .string("v\n")]),
            "m": .bool(true),
        ])
        #expect(JSONWriter.string(value) == value.serialized())
        #expect(JSONWriter.string(value) == #"{"a":{"k":"v\n"},"m":true,"z":[1e-07,3,null]}"#)
    }
}

@Suite("JSONValue with other coders")
struct JSONValueInteroperabilityTests {
    /// Foundation stands in for any decoder that is not ours: `JSONValue` must find the shape
    /// through the ordinary container API.
    @Test func decodesFromForeignDecoders() throws {
        let json = Data(#"{"a":[1,2.5,"x",null,true,{"b":[]}]}"#.utf8)
        let expected: JSONValue = .object([
            "a": .array([.integer(1), .number(2.5), .string("x"), .null, .bool(true), .object(["b": .array([])])])
        ])
        #expect(try JSONDecoder().decode(JSONValue.self, from: json) == expected)
    }

    @Test func encodesThroughForeignEncoders() throws {
        let value: JSONValue = .object(["b": .array([.integer(1), .null]), "a": .string("x")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(value), as: UTF8.self) == #"{"a":"x","b":[1,null]}"#)
    }
}

@Suite("JSON writer misuse")
struct JSONWriterMisuseTests {
    struct Failing: Encodable {
        struct Refusal: Error {}

        func encode(to encoder: any Encoder) throws {
            throw Refusal()
        }
    }

    @Test func trapsWhenAValueThrowsWhileEncoding() async {
        await #expect(processExitsWith: .failure) {
            _ = JSONWriter.encode(Failing())
        }
    }

    /// Writes to a nested container after its parent moved on, which a streaming writer cannot honour.
    struct Interleaved: Encodable {
        enum Keys: String, CodingKey {
            case inner, after, late
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
            try container.encode(1, forKey: .after)
            try inner.encode(2, forKey: .late)
        }
    }

    @Test func trapsInsteadOfWritingMalformedJSON() async {
        await #expect(processExitsWith: .failure) {
            _ = JSONWriter.encode(Interleaved())
        }
    }
}
