/// Decodes OCPP payloads with the schema's strictness, which Foundation's `JSONDecoder` lacks:
/// fields the message does not define are errors, integers must be JSON integers, and every
/// failure is a ``PayloadError`` that names the offending field.
///
/// Works with compiler-synthesized and hand-written `Decodable` conformances alike, because the
/// checks live in the decoder and its containers, not in the types.
public enum StrictJSON {
    /// Inlinable: in a caller that knows the type, whether it has a fast read is decided when compiling, instead
    /// of costing run-time conformance look-ups per message (issue 11).
    @inlinable
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(PayloadError) -> T {
        if case .object(let members) = value, let fast = type as? any JSONFastDecodable.Type,
           let decoded = fast.init(fastJSON: members) as? T {
            return decoded
        }
        return try decodeStrictly(type, from: value)
    }

    /// Through `Decodable` even for a type with a fast read: what the fast read is checked against.
    @usableFromInline
    package static func decodeStrictly<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(PayloadError) -> T {
        try StrictDecoder(value, at: .root).decode(type)
    }
}

/// A type whose JSON object may carry OCPP 2.0.1's `customData` member ([P4] §9, [SCH] CustomDataType), which
/// a receiver must accept and ignore (OCA TC_P_03). The strict decoder validates the member and lets it pass
/// without the type declaring it, so the type stays equal to the message's content and can never send one.
/// OCPP 1.6 types do not conform: for them `customData` remains an unknown field.
public protocol CustomDataExtensible: Decodable {}

/// Decodes one JSON value and remembers which of its fields the type asked about, so that the
/// rest can be reported as unknown once `init(from:)` has returned.
final class StrictDecoder: Decoder {
    private let value: JSONValue
    private let path: CodingPathNode
    /// Only keys present in the object, so that "all asked" is a count comparison.
    private var askedKeys: Set<String> = []
    private var access = Access.none
    /// Decoders behind nested containers, which outlive the call that made them; their fields are
    /// checked together with this decoder's.
    private var nestedDecoders: [StrictDecoder] = []

    init(_ value: JSONValue, at path: CodingPathNode) {
        self.value = value
        self.path = path
    }

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let fields = try objectFields()
        if access == .none {
            access = .keyed
            askedKeys.reserveCapacity(fields.count)
        }
        return KeyedDecodingContainer(StrictKeyedContainer(decoder: self, fields: fields))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw PayloadError(.wrongType, at: codingPath, "expected an array, found \(value.kindDescription)")
        }
        access = .whole
        return StrictUnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() -> any SingleValueDecodingContainer {
        access = .whole
        return StrictSingleValueContainer(decoder: self)
    }

    /// Runs `T.init(from:)` on this value, then checks that no field went unasked.
    func decode<T: Decodable>(_ type: T.Type) throws(PayloadError) -> T {
        let result: T
        do {
            result = try T(from: self)
        } catch {
            throw PayloadError(converting: error, thrownWhileDecoding: value, as: type, at: path)
        }
        if access != .whole, case .object(let fields) = value,
            let customData = fields[Self.customDataKey.stringValue], type is any CustomDataExtensible.Type
        {
            try acceptCustomData(customData)
        }
        try verifyEveryFieldWasAsked()
        return result
    }

    /// Decodes `T` from this same value with a decoder of its own, for a type that delegated
    /// through a single-value container; `T` then answers for the fields.
    func redecode<T: Decodable>(_ type: T.Type) throws(PayloadError) -> T {
        try StrictDecoder(value, at: path).decode(type)
    }

    /// Converts this value to a primitive without the overhead of `init(from:)`.
    func decodePrimitive<T: JSONPrimitive>(_ type: T.Type) throws(PayloadError) -> T {
        do {
            return try T(strict: value)
        } catch {
            throw PayloadError(error.kind, at: codingPath, error.message)
        }
    }

    var isNull: Bool {
        value == .null
    }

    func takeWholeValue() -> JSONValue {
        access = .whole
        return value
    }

    func noteAsked(_ key: some CodingKey) {
        askedKeys.insert(key.stringValue)
    }

    func decoder(for value: JSONValue, at key: any CodingKey) -> StrictDecoder {
        StrictDecoder(value, at: path.appending(key))
    }

    /// A decoder for a nested container, whose lifetime ends only with this decoder's.
    func nestedDecoder(for value: JSONValue, at key: any CodingKey) -> StrictDecoder {
        let nested = decoder(for: value, at: key)
        nestedDecoders.append(nested)
        return nested
    }

    private static let customDataKey = JSONKey("customData")

    /// Checks `customData` against [SCH] CustomDataType (an object whose `vendorId` is a string of at most 255
    /// characters; every other member is the vendor's) and counts it as asked, so that the type it extends
    /// ignores it without declaring it.
    private func acceptCustomData(_ customData: JSONValue) throws(PayloadError) {
        let customDataPath = path.appending(Self.customDataKey)
        guard case .object(let members) = customData else {
            throw PayloadError(
                .wrongType, at: customDataPath.keys, "expected an object, found \(customData.kindDescription)")
        }
        let vendorIdKey = JSONKey("vendorId")
        let vendorIdPath = customDataPath.appending(vendorIdKey)
        guard let vendorId = members[vendorIdKey.stringValue] else {
            throw PayloadError(.missingField, at: vendorIdPath.keys, "required field is missing")
        }
        _ = try StrictDecoder(vendorId, at: vendorIdPath).decode(CiString<255>.self)
        noteAsked(Self.customDataKey)
    }

    private func objectFields() throws(PayloadError) -> [String: JSONValue] {
        guard case .object(let fields) = value else {
            // At the root a non-object is a malformed message rather than a mistyped field.
            let kind: PayloadError.Kind = path.isRoot ? .notAnObject : .wrongType
            throw PayloadError(kind, at: codingPath, "expected an object, found \(value.kindDescription)")
        }
        return fields
    }

    /// A type that asked for no container at all is a field-less struct (synthesized code asks
    /// for nothing then), so its value must be an empty object.
    private func verifyEveryFieldWasAsked() throws(PayloadError) {
        if access != .whole, case let fields = try objectFields(), askedKeys.count < fields.count,
            let unknown = fields.keys.lazy.filter({ !self.askedKeys.contains($0) }).min()
        {
            throw PayloadError(.unknownField, at: path.appending(JSONKey(unknown)).keys, "unknown field")
        }
        for nested in nestedDecoders {
            try nested.verifyEveryFieldWasAsked()
        }
    }

    private enum Access {
        case none
        case keyed
        /// The type took the value as a whole (array, single value, `JSONValue`), so whatever
        /// it handed the value to answers for the fields.
        case whole
    }
}

extension PayloadError {
    /// Normalizes what a type's `init(from:)` threw. `PayloadError`s pass unchanged, so types can
    /// throw their own; Swift's `DecodingError`s (from synthesized code, e.g. an enum's unknown raw
    /// value) map to the matching kind; anything else counts as an invalid value at this path.
    init(converting error: any Error, thrownWhileDecoding value: JSONValue, as type: Any.Type, at path: CodingPathNode)
    {
        switch error {
        case let error as PayloadError:
            self = error
        case DecodingError.dataCorrupted(let context):
            let isAboutThisValue = context.codingPath.count == path.keys.count
            let message = isAboutThisValue ? Self.rejection(of: value, as: type) : context.debugDescription
            self.init(.invalidValue, at: context.codingPath, message)
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            self.init(.wrongType, at: context.codingPath, context.debugDescription)
        case DecodingError.keyNotFound(let key, let context):
            self.init(.missingField, at: context.codingPath + [key], "required field is missing")
        default:
            self.init(.invalidValue, at: path.keys, String(describing: error))
        }
    }

    /// Lists the accepted values when the type can enumerate them, which is what a sender
    /// needs to fix an enum typo.
    private static func rejection(of value: JSONValue, as type: Any.Type) -> String {
        let shown = value.serialized()
        let allowed = (type as? any CaseIterable.Type).map { rawValues(of: $0) } ?? []
        return allowed.isEmpty
            ? "\(shown) is not a valid value" : "\(shown) is not one of \(allowed.joined(separator: ", "))"
    }

    private static func rawValues<Enumeration: CaseIterable>(of _: Enumeration.Type) -> [String] {
        Enumeration.allCases.compactMap { ($0 as? any RawRepresentable).map { "\($0.rawValue)" } }
    }
}
