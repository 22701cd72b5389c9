/// Reads object members, recording each present key asked about so that the decoder can
/// report the ones nobody asked for.
struct StrictKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: StrictDecoder
    let fields: [String: JSONValue]

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        fields.keys.sorted().compactMap { Key(stringValue: $0) }
    }

    func contains(_ key: Key) -> Bool {
        optionalField(key) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try field(key) == .null
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try primitive(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try primitive(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try primitive(type, forKey: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try primitive(type, forKey: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, forKey: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, forKey: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, forKey: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, forKey: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, forKey: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, forKey: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, forKey: key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decoder(for: field(key), at: key).decode(type)
    }

    // The protocol's default `decodeIfPresent` looks the key up three times (contains, decodeNil,
    // decode); these look it up once, which matters because synthesized code calls them for
    // every optional field.
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try primitiveIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try primitiveIfPresent(type, key) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = optionalField(key), value != .null else {
            return nil
        }
        return try decoder.decoder(for: value, at: key).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.nestedDecoder(for: field(key), at: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.nestedDecoder(for: field(key), at: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let key = JSONKey("super")
        return try decoder.nestedDecoder(for: field(key), at: key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try decoder.nestedDecoder(for: field(key), at: key)
    }

    private func field(_ key: some CodingKey) throws(PayloadError) -> JSONValue {
        guard let value = optionalField(key) else {
            throw PayloadError(.missingField, at: codingPath + [key], "required field is missing")
        }
        return value
    }

    private func optionalField(_ key: some CodingKey) -> JSONValue? {
        let value = fields[key.stringValue]
        if value != nil {
            decoder.noteAsked(key)
        }
        return value
    }

    private func primitiveIfPresent<T: JSONPrimitive>(_ type: T.Type, _ key: Key) throws(PayloadError) -> T? {
        guard let value = optionalField(key), value != .null else {
            return nil
        }
        return try primitive(value, as: type, forKey: key)
    }

    private func primitive<T: JSONPrimitive>(_ type: T.Type, forKey key: Key) throws(PayloadError) -> T {
        try primitive(field(key), as: type, forKey: key)
    }

    private func primitive<T: JSONPrimitive>(_ value: JSONValue, as type: T.Type, forKey key: Key) throws(PayloadError)
        -> T
    {
        do {
            return try T(strict: value)
        } catch {
            throw PayloadError(error.kind, at: codingPath + [key], error.message)
        }
    }
}

/// Reads array items in order; reading past the end means the array was too short.
struct StrictUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: StrictDecoder
    let items: [JSONValue]
    private(set) var currentIndex = 0

    init(decoder: StrictDecoder, items: [JSONValue]) {
        self.decoder = decoder
        self.items = items
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func decodeNil() throws -> Bool {
        guard try current() == .null else {
            return false
        }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try primitive(type) }
    mutating func decode(_ type: String.Type) throws -> String { try primitive(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try primitive(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try primitive(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try primitive(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try primitive(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try primitive(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try primitive(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try primitive(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try primitive(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try primitive(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try primitive(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try primitive(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try primitive(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try decoder.decoder(for: current(), at: ArrayIndex(currentIndex)).decode(type)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        let container = try nestedDecoder().container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try nestedDecoder().unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let nested = try nestedDecoder()
        currentIndex += 1
        return nested
    }

    private func nestedDecoder() throws(PayloadError) -> StrictDecoder {
        try decoder.nestedDecoder(for: current(), at: ArrayIndex(currentIndex))
    }

    private func current() throws(PayloadError) -> JSONValue {
        guard !isAtEnd else {
            throw PayloadError(
                .tooFewItems, at: codingPath, "expected at least \(currentIndex + 1) items, found \(items.count)")
        }
        return items[currentIndex]
    }

    private mutating func primitive<T: JSONPrimitive>(_ type: T.Type) throws(PayloadError) -> T {
        let item = try current()
        do {
            let value = try T(strict: item)
            currentIndex += 1
            return value
        } catch {
            throw PayloadError(error.kind, at: codingPath + [ArrayIndex(currentIndex)], error.message)
        }
    }
}

/// Reads the decoder's own value; the path is the decoder's.
struct StrictSingleValueContainer: SingleValueDecodingContainer {
    let decoder: StrictDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        decoder.isNull
    }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodePrimitive(type) }
    func decode(_ type: String.Type) throws -> String { try decoder.decodePrimitive(type) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodePrimitive(type) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodePrimitive(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodePrimitive(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodePrimitive(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodePrimitive(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodePrimitive(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodePrimitive(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodePrimitive(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodePrimitive(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodePrimitive(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodePrimitive(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodePrimitive(type) }

    /// A fresh decoder over the same value, so the nested type's fields are checked on its own terms.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.redecode(type)
    }
}
