/// OCPP-J RPC framing ([J] §4): one JSON array per websocket text message.

/// A decoded RPC message.
public enum RPCFrame: Sendable, Equatable {
    case call(messageId: String, action: String, payload: JSONValue)
    case callResult(messageId: String, payload: JSONValue)
    /// The code stays a string: central systems send codes from other OCPP versions too (e.g. `FormatViolation`).
    case callError(messageId: String, code: String, description: String, details: JSONValue)
}

/// What became of one received websocket message.
public enum ReceivedMessage: Sendable, Equatable {
    case frame(RPCFrame)
    /// Not a well-formed RPC message: it must be answered with a CALLERROR (1.6 `FormationViolation`,
    /// 2.0.1 `FormatViolation` or `RpcFrameworkError`).
    case malformed(messageId: String, reason: String)
    /// Nothing can be answered (a result we cannot read): drop it ([J] §4.1.3).
    case ignored(reason: String)
    /// A message type number OCPP-J does not define: 1.6 drops it ([J] §4.1.3), 2.0.1 answers
    /// `MessageTypeNotSupported` ([P4] §4.4) with the id when one can be read, else `-1`.
    case unknownMessageType(Int, messageId: String)
}

public enum RPCCodec {
    /// The id to answer with when a malformed message carries none that can be read.
    public static let unknownMessageId = "-1"
    /// [J] §4.1.3: a message id is at most 36 characters long.
    public static let maximumMessageIdLength = 36

    public static func decode(_ bytes: some Collection<UInt8>) -> ReceivedMessage {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            return .malformed(messageId: salvageMessageId(Array(bytes)), reason: "not valid JSON: \(error)")
        }
        guard case .array(let elements) = value, case .integer(let type)? = elements.first else {
            return .malformed(messageId: unknownMessageId, reason: "not an array starting with a message type number")
        }
        let messageId: String? = if elements.count > 1, case .string(let id) = elements[1] { id } else { nil }
        switch type {
        case 2:
            guard let messageId else {
                return .malformed(messageId: unknownMessageId, reason: "CALL without a string message id")
            }
            guard messageId.count <= maximumMessageIdLength else {
                // Not echoed: an id that long is not one the sender can be matched by, and it would be
                // amplified back to whoever sent it.
                return .malformed(messageId: unknownMessageId,
                                  reason: "message id longer than \(maximumMessageIdLength) characters")
            }
            guard elements.count == 4, case .string(let action) = elements[2], case .object = elements[3] else {
                return .malformed(messageId: messageId, reason: "a CALL is [2, messageId, action, {payload}]")
            }
            return .frame(.call(messageId: messageId, action: action, payload: elements[3]))
        case 3:
            guard let messageId, elements.count == 3, case .object = elements[2] else {
                return .ignored(reason: "a CALLRESULT is [3, messageId, {payload}]")
            }
            return .frame(.callResult(messageId: messageId, payload: elements[2]))
        case 4:
            guard let messageId, elements.count >= 3, case .string(let code) = elements[2] else {
                return .ignored(reason: "a CALLERROR is [4, messageId, errorCode, description, {details}]")
            }
            let description: String = if elements.count > 3, case .string(let text) = elements[3] { text } else { "" }
            let details = elements.count > 4 ? elements[4] : .object([:])
            return .frame(.callError(messageId: messageId, code: code, description: description, details: details))
        default:
            return .unknownMessageType(Int(type), messageId: messageId ?? unknownMessageId)
        }
    }

    /// Inlinable, as `callResult` is, so that the payload's way of writing itself is picked when compiling.
    @inlinable
    public static func call(messageId: String, action: String, payload: some Encodable) -> String {
        frame(type: "2", messageId: messageId, action: action, payload: payload)
    }

    @inlinable
    public static func callResult(messageId: String, payload: some Encodable) -> String {
        frame(type: "3", messageId: messageId, action: nil, payload: payload)
    }

    /// `code` in the spelling of the protocol version in use (1.6 and 2.0.1 differ).
    public static func callError(messageId: String, code: String, description: String) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "4"), UInt8(ascii: ",")]
        for field in [messageId, code, description] {
            JSONOutput.appendString(field, to: &bytes)
            bytes.append(UInt8(ascii: ","))
        }
        bytes.append(contentsOf: "{}]".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Written into one buffer, payload included: every answer and CALL comes through here.
    @inlinable
    static func frame(type: Unicode.Scalar, messageId: String, action: String?, payload: some Encodable) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(UInt8(ascii: "["))
        bytes.append(UInt8(ascii: type))
        bytes.append(UInt8(ascii: ","))
        JSONOutput.appendString(messageId, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        if let action {
            JSONOutput.appendString(action, to: &bytes)
            bytes.append(UInt8(ascii: ","))
        }
        JSONWriter.append(payload, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The message type, id and (for a CALL) action, read from the start of a frame without parsing the
    /// rest: what a frame log needs to name answers after their CALLs, at a fraction of a parse's cost.
    /// nil when the frame does not start like an RPC message.
    public static func header(of text: String) -> (type: Int, messageId: String, action: String?)? {
        var bytes = text.utf8[...]
        func skipSpaces() {
            while let first = bytes.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D {
                bytes.removeFirst()
            }
        }
        func take(_ ascii: UInt8) -> Bool {
            skipSpaces()
            guard bytes.first == ascii else { return false }
            bytes.removeFirst()
            return true
        }
        /// A string without escapes (ids and actions never need them).
        func plainString() -> String? {
            guard take(UInt8(ascii: "\"")), let end = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let value = bytes[..<end]
            guard !value.contains(UInt8(ascii: "\\")) else { return nil }
            bytes = bytes[bytes.index(after: end)...]
            return String(decoding: value, as: UTF8.self)
        }
        guard take(UInt8(ascii: "[")) else { return nil }
        skipSpaces()
        guard let digit = bytes.first, (UInt8(ascii: "2")...UInt8(ascii: "4")).contains(digit) else { return nil }
        bytes.removeFirst()
        let type = Int(digit - UInt8(ascii: "0"))
        guard take(UInt8(ascii: ",")), let messageId = plainString() else { return nil }
        guard type == 2 else { return (type, messageId, nil) }
        guard take(UInt8(ascii: ",")), let action = plainString() else { return nil }
        return (type, messageId, action)
    }

    /// Recovers the id of a truncated or broken CALL from its `[2,"<id>"` prefix, so the CALLERROR can be
    /// matched by the sender; without one the answer carries `-1`.
    static func salvageMessageId(_ bytes: [UInt8]) -> String {
        var index = 0
        func skipSpaces() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }
        func expect(_ ascii: Unicode.Scalar) -> Bool {
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ascii) else { return false }
            index += 1
            return true
        }
        guard expect("["), expect("2"), expect(","), expect("\"") else { return unknownMessageId }
        let start = index
        while index < bytes.count, index - start <= maximumMessageIdLength {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return String(decoding: bytes[start..<index], as: UTF8.self)
            case UInt8(ascii: "\\"), 0..<0x20:
                return unknownMessageId
            default:
                index += 1
            }
        }
        return unknownMessageId
    }
}
