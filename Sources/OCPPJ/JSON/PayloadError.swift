/// Why a syntactically valid payload does not fit the message it claims to be.
///
/// The kinds follow the distinctions OCPP's CALLERROR codes make (type, occurrence, property
/// constraint, formation), so the transport layer can pick the code without parsing messages.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// A required field is absent.
        case missingField
        /// A value has the wrong JSON type, including `null` for a required field.
        case wrongType
        /// A field the message does not define; OCPP 1.6 schemas forbid additional properties.
        case unknownField
        /// The type is right but the value is not allowed (unknown enum value, out of range, bad date).
        case invalidValue
        /// A string exceeds its `CiString` length.
        case tooLong
        /// An array has fewer items than the message requires.
        case tooFewItems
        /// The payload itself is not a JSON object.
        case notAnObject
    }

    public var kind: Kind
    /// The offending field, e.g. `chargingSchedule.chargingSchedulePeriod[0].limit`; empty for the payload itself.
    public var path: String
    /// What is wrong, phrased to follow the path: "is 21 characters long, at most 20 are allowed".
    public var message: String

    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public init(_ kind: Kind, at codingPath: [any CodingKey], _ message: String) {
        self.init(kind: kind, path: Self.path(of: codingPath), message: message)
    }

    public var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }
}

extension Decoder {
    /// Lets a hand-written `init(from:)` reject a value with an error that names the field being
    /// decoded, e.g. `throw decoder.payloadError(.invalidValue, "must not be negative")`.
    public func payloadError(_ kind: PayloadError.Kind, _ message: String) -> PayloadError {
        PayloadError(kind, at: codingPath, message)
    }
}

extension KeyedDecodingContainerProtocol {
    /// Lets a hand-written `init(from:)` reject one member after decoding it, naming that member.
    public func payloadError(_ kind: PayloadError.Kind, forKey key: Key, _ message: String) -> PayloadError {
        PayloadError(kind, at: codingPath + [key], message)
    }
}
