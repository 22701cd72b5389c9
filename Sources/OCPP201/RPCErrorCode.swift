/// CALLERROR codes with the 2.0.1 spellings ([P4] Table 8): `FormatViolation` and `OccurrenceConstraintViolation`
/// replace 1.6's `FormationViolation` and `OccurenceConstraintViolation`; `MessageTypeNotSupported` and
/// `RpcFrameworkError` are new.
public enum RPCErrorCode: String, Sendable, Codable, CaseIterable, JSONScalar {
    case formatViolation = "FormatViolation"
    case genericError = "GenericError"
    case internalError = "InternalError"
    case messageTypeNotSupported = "MessageTypeNotSupported"
    case notImplemented = "NotImplemented"
    case notSupported = "NotSupported"
    case occurrenceConstraintViolation = "OccurrenceConstraintViolation"
    case propertyConstraintViolation = "PropertyConstraintViolation"
    case protocolError = "ProtocolError"
    case rpcFrameworkError = "RpcFrameworkError"
    case securityError = "SecurityError"
    case typeConstraintViolation = "TypeConstraintViolation"

    /// The code for a payload that failed validation, by Table 8's wording rather than by the mobilityhouse
    /// mapping 1.6 follows: a missing member breaks an occurrence constraint (mobilityhouse: ProtocolError), an
    /// over-long string breaks a property constraint like a bad enum value or a number out of range
    /// (mobilityhouse: TypeConstraintViolation). `invalidValue` also covers an array above the schema's
    /// `maxItems`, which `PayloadError` has no kind of its own for.
    public init(_ kind: PayloadError.Kind) {
        switch kind {
        case .missingField, .tooFewItems: self = .occurrenceConstraintViolation
        case .wrongType: self = .typeConstraintViolation
        case .invalidValue, .tooLong: self = .propertyConstraintViolation
        case .unknownField, .notAnObject: self = .formatViolation
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
