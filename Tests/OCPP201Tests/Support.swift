import OCPP201
import Testing

/// Decodes `json` text into `T` as the station decodes a payload, failing the test on a syntax error so that only
/// `PayloadError`s remain.
func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(PayloadError) -> T {
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
func payloadError<T: Decodable>(_ type: T.Type, _ json: String) -> PayloadError? {
    do {
        _ = try decode(type, json)
        return nil
    } catch {
        return error
    }
}

/// An instant written as the wire writes it, for expected values.
func instant(_ rfc3339: String) -> Timestamp {
    guard let timestamp = Timestamp.parse(rfc3339) else {
        Issue.record("\(rfc3339) is not an RFC 3339 date-time")
        return Timestamp(millisecondsSince1970: 0)
    }
    return timestamp
}
