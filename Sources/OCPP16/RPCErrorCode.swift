/// CALLERROR codes with the normative 1.6 spellings ([J] table 7; note `FormationViolation` and
/// `OccurenceConstraintViolation`, which 2.0.1 spells differently).
public enum RPCErrorCode: String, Sendable, Codable, CaseIterable, JSONScalar {
    case notImplemented = "NotImplemented"
    case notSupported = "NotSupported"
    case internalError = "InternalError"
    case protocolError = "ProtocolError"
    case securityError = "SecurityError"
    case formationViolation = "FormationViolation"
    case propertyConstraintViolation = "PropertyConstraintViolation"
    case occurenceConstraintViolation = "OccurenceConstraintViolation"
    case typeConstraintViolation = "TypeConstraintViolation"
    case genericError = "GenericError"

    /// The code for a payload that failed validation, mapped as the mobilityhouse reference implementation
    /// maps JSON-schema failures, except that a bad enum value is a PropertyConstraintViolation as the errata demand.
    public init(_ kind: PayloadError.Kind) {
        switch kind {
        case .missingField: self = .protocolError
        case .wrongType, .tooLong: self = .typeConstraintViolation
        case .unknownField, .notAnObject: self = .formationViolation
        case .invalidValue: self = .propertyConstraintViolation
        case .tooFewItems: self = .occurenceConstraintViolation
        }
    }
}

extension RPCCodec {
    public static func call(messageId: String, action: Action, payload: some Encodable) -> String {
        call(messageId: messageId, action: action.rawValue, payload: payload)
    }

    public static func callError(messageId: String, code: RPCErrorCode, description: String) -> String {
        callError(messageId: messageId, code: code.rawValue, description: description)
    }
}
