/// Encodes one value into a ``JSONStream``.
final class StreamEncoder: Encoder {
    let stream: JSONStream
    let path: CodingPathNode
    /// Set for encoders from `superEncoder()`, whose value position may have been passed by
    /// the time they are used; nil when the caller has just positioned the stream for this value.
    private let slot: OpenContainer?
    /// Codable lets a type ask for its keyed container more than once (a subclass and its
    /// superclass both do); every request must write into the same object.
    private var object: OpenContainer?

    init(stream: JSONStream, path: CodingPathNode, slot: OpenContainer? = nil) {
        self.stream = stream
        self.path = path
        self.slot = slot
    }

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if let object, !object.isClosed {
            return KeyedEncodingContainer(StreamKeyedContainer(stream: stream, object: object, path: path))
        }
        moveToSlot()
        let object = stream.open(.object)
        self.object = object
        return KeyedEncodingContainer(StreamKeyedContainer(stream: stream, object: object, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        moveToSlot()
        return StreamUnkeyedContainer(stream: stream, array: stream.open(.array), path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StreamSingleValueContainer(encoder: self)
    }

    func moveToSlot() {
        if let slot {
            stream.makeInnermost(slot)
        }
    }
}

struct StreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let stream: JSONStream
    let object: OpenContainer
    let path: CodingPathNode

    var codingPath: [any CodingKey] { path.keys }

    mutating func encodeNil(forKey key: Key) {
        beginMember(key)
        JSONOutput.appendNull(to: &stream.bytes)
    }

    mutating func encode(_ value: Bool, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { primitive(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { primitive(value, forKey: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        beginMember(key)
        if let appendable = value as? any JSONAppendable {
            appendable.appendJSON(to: &stream.bytes)
        } else {
            try stream.encode(value, at: path.appending(key))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        beginMember(key)
        return KeyedEncodingContainer(
            StreamKeyedContainer<NestedKey>(stream: stream, object: stream.open(.object), path: path.appending(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        beginMember(key)
        return StreamUnkeyedContainer(stream: stream, array: stream.open(.array), path: path.appending(key))
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(at: JSONKey("super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(at: key)
    }

    private func superEncoder(at key: some CodingKey) -> any Encoder {
        beginMember(key)
        return StreamEncoder(stream: stream, path: path.appending(key), slot: stream.open(.superSlot))
    }

    private func beginMember(_ key: some CodingKey) {
        stream.beginMember(of: object)
        JSONOutput.appendString(key.stringValue, to: &stream.bytes)
        stream.bytes.append(UInt8(ascii: ":"))
    }

    private func primitive(_ value: some JSONPrimitive, forKey key: Key) {
        beginMember(key)
        value.appendJSON(to: &stream.bytes)
    }
}

struct StreamUnkeyedContainer: UnkeyedEncodingContainer {
    let stream: JSONStream
    let array: OpenContainer
    let path: CodingPathNode

    var codingPath: [any CodingKey] { path.keys }
    var count: Int { array.count }

    mutating func encodeNil() {
        stream.beginMember(of: array)
        JSONOutput.appendNull(to: &stream.bytes)
    }

    mutating func encode(_ value: Bool) { primitive(value) }
    mutating func encode(_ value: String) { primitive(value) }
    mutating func encode(_ value: Double) { primitive(value) }
    mutating func encode(_ value: Float) { primitive(value) }
    mutating func encode(_ value: Int) { primitive(value) }
    mutating func encode(_ value: Int8) { primitive(value) }
    mutating func encode(_ value: Int16) { primitive(value) }
    mutating func encode(_ value: Int32) { primitive(value) }
    mutating func encode(_ value: Int64) { primitive(value) }
    mutating func encode(_ value: UInt) { primitive(value) }
    mutating func encode(_ value: UInt8) { primitive(value) }
    mutating func encode(_ value: UInt16) { primitive(value) }
    mutating func encode(_ value: UInt32) { primitive(value) }
    mutating func encode(_ value: UInt64) { primitive(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = beginItem()
        if let appendable = value as? any JSONAppendable {
            appendable.appendJSON(to: &stream.bytes)
        } else {
            try stream.encode(value, at: path.appending(index))
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let index = beginItem()
        return KeyedEncodingContainer(
            StreamKeyedContainer<NestedKey>(stream: stream, object: stream.open(.object), path: path.appending(index)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = beginItem()
        return StreamUnkeyedContainer(stream: stream, array: stream.open(.array), path: path.appending(index))
    }

    mutating func superEncoder() -> any Encoder {
        let index = beginItem()
        return StreamEncoder(stream: stream, path: path.appending(index), slot: stream.open(.superSlot))
    }

    private func beginItem() -> ArrayIndex {
        stream.beginMember(of: array)
        return ArrayIndex(array.count - 1)
    }

    private func primitive(_ value: some JSONPrimitive) {
        stream.beginMember(of: array)
        value.appendJSON(to: &stream.bytes)
    }
}

struct StreamSingleValueContainer: SingleValueEncodingContainer {
    let encoder: StreamEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() {
        encoder.moveToSlot()
        JSONOutput.appendNull(to: &encoder.stream.bytes)
    }

    mutating func encode(_ value: Bool) { primitive(value) }
    mutating func encode(_ value: String) { primitive(value) }
    mutating func encode(_ value: Double) { primitive(value) }
    mutating func encode(_ value: Float) { primitive(value) }
    mutating func encode(_ value: Int) { primitive(value) }
    mutating func encode(_ value: Int8) { primitive(value) }
    mutating func encode(_ value: Int16) { primitive(value) }
    mutating func encode(_ value: Int32) { primitive(value) }
    mutating func encode(_ value: Int64) { primitive(value) }
    mutating func encode(_ value: UInt) { primitive(value) }
    mutating func encode(_ value: UInt8) { primitive(value) }
    mutating func encode(_ value: UInt16) { primitive(value) }
    mutating func encode(_ value: UInt32) { primitive(value) }
    mutating func encode(_ value: UInt64) { primitive(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.moveToSlot()
        if let appendable = value as? any JSONAppendable {
            appendable.appendJSON(to: &encoder.stream.bytes)
        } else {
            try encoder.stream.encode(value, at: encoder.path)
        }
    }

    private func primitive(_ value: some JSONPrimitive) {
        encoder.moveToSlot()
        value.appendJSON(to: &encoder.stream.bytes)
    }
}
