import OCPP16
import Testing

private enum RateUnit: String, Codable, CaseIterable {
    case watts = "W"
    case amperes = "A"
}

private struct Period: Codable, Equatable {
    var startPeriod: Int
    var limit: Double
    var numberPhases: Int?
}

private struct Schedule: Codable, Equatable {
    var duration: Int?
    var chargingRateUnit: RateUnit
    var chargingSchedulePeriod: [Period]
}

private struct Profile: Codable, Equatable {
    var chargingProfileId: Int32
    var chargingSchedule: Schedule
}

private struct ProfileRequest: Codable, Equatable {
    var connectorId: Int
    var csChargingProfiles: Profile
}

private struct EmptyPayload: Codable, Equatable {}

private struct TaggedRequest: Codable, Equatable {
    var idTag: IdToken
}

/// Decodes `json` text into `T`, failing the test on a syntax error so only `PayloadError`s remain.
private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(PayloadError) -> T {
    let value: JSONValue
    do {
        value = try JSONValue.parse(json)
    } catch {
        Issue.record("test input is not JSON: \(error)")
        value = .null
    }
    return try StrictJSON.decode(type, from: value)
}

/// The `PayloadError` decoding throws, or nil when it succeeds.
private func payloadError<T: Decodable>(_ type: T.Type, _ json: String) -> PayloadError? {
    do {
        _ = try decode(type, json)
        return nil
    } catch {
        return error
    }
}

private func setProfile(period: String) -> String {
    #"{"connectorId":1,"csChargingProfiles":{"chargingProfileId":7,"chargingSchedule":{"chargingRateUnit":"A","#
        + #""chargingSchedulePeriod":[{"startPeriod":0,"limit":16},\#(period)]}}}"#
}

@Suite("Strict decoder")
struct StrictDecoderTests {
    @Test func decodesNestedSynthesizedTypes() throws {
        let decoded = try decode(
            ProfileRequest.self, setProfile(period: #"{"startPeriod":60,"limit":6.5,"numberPhases":3}"#))
        let expected = ProfileRequest(
            connectorId: 1,
            csChargingProfiles: Profile(
                chargingProfileId: 7,
                chargingSchedule: Schedule(
                    duration: nil, chargingRateUnit: .amperes,
                    chargingSchedulePeriod: [
                        Period(startPeriod: 0, limit: 16, numberPhases: nil),
                        Period(startPeriod: 60, limit: 6.5, numberPhases: 3),
                    ])))
        #expect(decoded == expected)
    }

    @Test func reportsWrongTypeWithTheFullPath() {
        let error = payloadError(ProfileRequest.self, setProfile(period: #"{"startPeriod":60,"limit":"high"}"#))
        #expect(
            error
                == PayloadError(
                    kind: .wrongType, path: "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].limit",
                    message: "expected a number, found a string"))
    }

    @Test func reportsMissingFieldsWithTheFullPath() {
        let error = payloadError(ProfileRequest.self, setProfile(period: #"{"limit":6}"#))
        #expect(
            error?.description
                == "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].startPeriod: required field is missing"
        )
        #expect(error?.kind == .missingField)
    }

    @Test func reportsUnknownFieldsAtNestedLevels() {
        let error = payloadError(
            ProfileRequest.self, setProfile(period: #"{"startPeriod":60,"limit":6,"stackLevel":1}"#))
        #expect(
            error
                == PayloadError(
                    kind: .unknownField,
                    path: "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].stackLevel",
                    message: "unknown field"))
    }

    @Test func reportsUnknownFieldsAtTheRootAndInEmptyMessages() {
        #expect(
            payloadError(Period.self, #"{"startPeriod":0,"limit":1,"b":1,"a":2}"#)?.description == "a: unknown field")
        #expect(payloadError(EmptyPayload.self, #"{"foo":1}"#)?.description == "foo: unknown field")
        #expect(payloadError(EmptyPayload.self, "{}") == nil)
    }

    @Test func treatsNullAsAbsentOnlyForOptionals() throws {
        #expect(try decode(Period.self, #"{"startPeriod":0,"limit":1,"numberPhases":null}"#).numberPhases == nil)
        #expect(
            payloadError(Period.self, #"{"startPeriod":null,"limit":1}"#)
                == PayloadError(kind: .wrongType, path: "startPeriod", message: "expected an integer, found null"))
    }

    static let integerMismatches: [(String, PayloadError.Kind, String)] = [
        ("1.5", .wrongType, "startPeriod: expected an integer, found a number"),
        ("3.0", .wrongType, "startPeriod: expected an integer, found a number"),
        (#""3""#, .wrongType, "startPeriod: expected an integer, found a string"),
        ("true", .wrongType, "startPeriod: expected an integer, found a boolean"),
        ("[]", .wrongType, "startPeriod: expected an integer, found an array"),
        ("1e30", .invalidValue, "startPeriod: 1e+30 is out of range -9223372036854775808...9223372036854775807"),
    ]

    @Test(arguments: integerMismatches)
    func rejectsNonIntegersForIntegerFields(json: String, kind: PayloadError.Kind, description: String) {
        let error = payloadError(Period.self, #"{"startPeriod":\#(json),"limit":1}"#)
        #expect(error?.kind == kind)
        #expect(error?.description == description)
    }

    @Test func rejectsIntegersThatDoNotFitTheSwiftType() throws {
        #expect(
            payloadError(Profile.self, #"{"chargingProfileId":2147483648,"chargingSchedule":{}}"#)
                == PayloadError(
                    kind: .invalidValue, path: "chargingProfileId",
                    message: "2147483648 is out of range -2147483648...2147483647"))
        #expect(try StrictJSON.decode(UInt8.self, from: .integer(255)) == 255)
        #expect(
            throws: PayloadError(kind: .invalidValue, path: "", message: "-1 is out of range 0...255"),
            performing: { try StrictJSON.decode(UInt8.self, from: .integer(-1)) })
    }

    @Test func rejectsIntegersForStringsAndStringsForBooleans() {
        #expect(
            throws: PayloadError(kind: .wrongType, path: "[0]", message: "expected a string, found an integer"),
            performing: { try decode([String].self, "[1]") })
        #expect(
            throws: PayloadError(kind: .wrongType, path: "[1]", message: "expected a boolean, found a string"),
            performing: { try decode([Bool].self, #"[true,"false"]"#) })
    }

    @Test func decodesFloatingPointFromIntegersAndNumbers() throws {
        #expect(try decode([Double].self, "[1,2.5,-3e2]") == [1, 2.5, -300])
        #expect(try decode([Float].self, "[16,0.1]") == [16, 0.1])
        #expect(
            throws: PayloadError(
                kind: .invalidValue, path: "[0]", message: "1e+300 is out of range for a 32-bit float"),
            performing: { try decode([Float].self, "[1e300]") })
    }

    @Test func reportsUnknownEnumValuesWithTheAllowedOnes() {
        let json = #"{"chargingRateUnit":"kW","chargingSchedulePeriod":[]}"#
        #expect(
            payloadError(Schedule.self, json)
                == PayloadError(kind: .invalidValue, path: "chargingRateUnit", message: #""kW" is not one of W, A"#))
    }

    @Test func distinguishesANonObjectPayloadFromANonObjectField() {
        #expect(
            payloadError(EmptyPayload.self, "[]")
                == PayloadError(kind: .notAnObject, path: "", message: "expected an object, found an array"))
        #expect(
            payloadError(Profile.self, #"{"chargingProfileId":1,"chargingSchedule":"none"}"#)
                == PayloadError(
                    kind: .wrongType, path: "chargingSchedule", message: "expected an object, found a string"))
        #expect(
            payloadError(Schedule.self, #"{"chargingRateUnit":"W","chargingSchedulePeriod":{}}"#)?.description
                == "chargingSchedulePeriod: expected an array, found an object")
    }

    @Test func decodesStandardCollections() throws {
        #expect(try decode(Set<String>.self, #"["a","b","a"]"#) == ["a", "b"])
        #expect(try decode([String: Int].self, #"{"x":1,"y":2}"#) == ["x": 1, "y": 2])
        #expect(try decode([Int?].self, "[1,null]") == [1, nil])
        #expect(try decode([[Int]].self, "[[1],[]]") == [[1], []])
    }

    @Test func passesOpenEndedJSONThroughWithoutUnknownFieldChecks() throws {
        struct DataTransfer: Decodable {
            var vendorId: String
            var data: JSONValue?
        }
        let decoded = try decode(DataTransfer.self, #"{"vendorId":"acme","data":{"anything":[1,{"deep":true}]}}"#)
        #expect(decoded.data == .object(["anything": .array([.integer(1), .object(["deep": .bool(true)])])]))
    }
}

@Suite("Strict decoder with hand-written conformances")
struct HandWrittenDecodableTests {
    /// Validates after decoding, the way message types enforce OCPP constraints.
    struct Limited: Decodable {
        enum Keys: String, CodingKey {
            case items, ratio
        }

        var items: [Int]
        var ratio: Double?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            items = try container.decode([Int].self, forKey: .items)
            guard !items.isEmpty else {
                throw container.payloadError(.tooFewItems, forKey: .items, "expected at least 1 item, found 0")
            }
            if container.contains(.ratio) {
                ratio = try container.decode(Double.self, forKey: .ratio)
                guard ratio! >= 0 else {
                    throw decoder.payloadError(.invalidValue, "ratio must not be negative")
                }
            }
        }
    }

    @Test func passesPayloadErrorsThroughUnchanged() {
        #expect(
            payloadError([Limited].self, #"[{"items":[1]},{"items":[]}]"#)
                == PayloadError(kind: .tooFewItems, path: "[1].items", message: "expected at least 1 item, found 0"))
        #expect(
            payloadError(Limited.self, #"{"items":[1],"ratio":-1}"#)
                == PayloadError(kind: .invalidValue, path: "", message: "ratio must not be negative"))
    }

    @Test func countsContainsAsAskingAboutAField() throws {
        #expect(try decode(Limited.self, #"{"items":[1],"ratio":0.5}"#).ratio == 0.5)
        #expect(payloadError(Limited.self, #"{"items":[1],"extra":0}"#)?.description == "extra: unknown field")
    }

    /// Reads a nested object through `nestedContainer`, whose fields must be checked as well.
    struct Flattened: Decodable {
        enum Keys: String, CodingKey {
            case meter
        }
        enum MeterKeys: String, CodingKey {
            case value
        }

        var value: Int

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let meter = try container.nestedContainer(keyedBy: MeterKeys.self, forKey: .meter)
            value = try meter.decode(Int.self, forKey: .value)
        }
    }

    @Test func checksFieldsOfNestedContainers() throws {
        #expect(try decode(Flattened.self, #"{"meter":{"value":5}}"#).value == 5)
        #expect(
            payloadError(Flattened.self, #"{"meter":{"value":5,"unit":"Wh"}}"#)
                == PayloadError(kind: .unknownField, path: "meter.unit", message: "unknown field"))
    }

    /// Reads a fixed number of array items, so a short array runs out.
    struct Pair: Decodable {
        var first: Int
        var second: Int

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            first = try container.decode(Int.self)
            second = try container.decode(Int.self)
        }
    }

    @Test func reportsReadingPastTheEndOfAnArray() {
        #expect(
            payloadError(Pair.self, "[1]")
                == PayloadError(kind: .tooFewItems, path: "", message: "expected at least 2 items, found 1"))
    }

    struct Shouting: Error, CustomStringConvertible {
        var description: String { "not loud enough" }
    }

    struct Loud: Decodable {
        enum Keys: String, CodingKey {
            case word, volume
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let word = try container.decode(String.self, forKey: .word)
            if word == "corrupt" {
                throw DecodingError.dataCorruptedError(forKey: .word, in: container, debugDescription: "corrupt word")
            }
            if container.contains(.volume) {
                throw Shouting()
            }
        }
    }

    @Test func mapsForeignErrorsToInvalidValues() {
        #expect(
            payloadError(Loud.self, #"{"word":"corrupt"}"#)
                == PayloadError(kind: .invalidValue, path: "word", message: "corrupt word"))
        #expect(
            payloadError([Loud].self, #"[{"word":"hi","volume":1}]"#)
                == PayloadError(kind: .invalidValue, path: "[0]", message: "not loud enough"))
    }
}

@Suite("CiString")
struct CiStringTests {
    @Test func enforcesTheMaximumLengthOnConstruction() {
        #expect(IdToken(String(repeating: "A", count: 20))?.value == String(repeating: "A", count: 20))
        #expect(IdToken(String(repeating: "A", count: 21)) == nil)
        let empty = ""
        let twoBytesPlusOne = "äb"
        let twoBytesPlusTwo = "äbc"
        #expect(CiString<3>(empty)?.value == "")
        #expect(CiString<3>(twoBytesPlusOne)?.value == "äb")
        #expect(CiString<3>(twoBytesPlusTwo) == nil)
    }

    @Test func decodesWithinTheLimitAndRejectsLongerOrNonStrings() throws {
        #expect(try decode(TaggedRequest.self, #"{"idTag":"04A1B2C3"}"#).idTag == "04A1B2C3")
        let tooLong = payloadError(TaggedRequest.self, #"{"idTag":"123456789012345678901"}"#)
        #expect(tooLong?.kind == .tooLong)
        #expect(tooLong?.description == "idTag: is 21 characters long, at most 20 are allowed")
        #expect(
            payloadError(TaggedRequest.self, #"{"idTag":42}"#)
                == PayloadError(kind: .wrongType, path: "idTag", message: "expected a string, found an integer"))
    }

    @Test func comparesCaseSensitivelyUnlessAskedNotTo() {
        let lower: IdToken = "abc-123"
        let upper: IdToken = "ABC-123"
        #expect(lower != upper)
        #expect(lower.equalsIgnoringCase(upper))
        #expect(!lower.equalsIgnoringCase("ABC-124"))
        #expect(!lower.equalsIgnoringCase("ABC-1234"))
        #expect(Set([lower, upper, "abc-123"]).count == 2)
    }

    @Test func trapsOnAnOverlongLiteral() async {
        await #expect(processExitsWith: .failure) {
            let tag: CiString<2> = "abc"
            _ = tag
        }
    }

    @Test func encodesAsAPlainString() {
        let tag: IdToken = "TAG\"1"
        #expect(JSONWriter.string(tag) == #""TAG\"1""#)
        #expect(tag.description == "TAG\"1")
    }
}
