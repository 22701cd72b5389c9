/// A message or data type that writes its members itself, for the frames sent most (meter values,
/// transactions, status notifications, the answers a load test asks for most): no encoder, containers or
/// boxes per value. Its `Encodable` conformance stays the reference: `JSONObjectTests` checks, type by
/// type, that both write the same bytes.
public protocol JSONObject: JSONAppendable {
    func writeMembers(to object: inout JSONObjectWriter)
}

extension JSONObject {
    @inlinable
    public func appendJSON(to output: inout [UInt8]) {
        var object = JSONObjectWriter()
        swap(&object.bytes, &output)
        object.bytes.append(UInt8(ascii: "{"))
        writeMembers(to: &object)
        object.bytes.append(UInt8(ascii: "}"))
        swap(&object.bytes, &output)
    }
}

/// Writes the members of one object, in the order they are given; an optional member that is nil is left
/// out, as `encodeIfPresent` leaves it out.
///
/// It is public, and its generic members inlinable, so that each message's module specializes them for its
/// own member types: unspecialized, every optional member cost a run-time metadata look-up (issue 11).
public struct JSONObjectWriter {
    @usableFromInline var bytes: [UInt8] = []
    @usableFromInline var isEmpty = true

    @usableFromInline init() {}

    @inlinable
    package mutating func member(_ name: StaticString, _ value: some JSONAppendable) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        value.appendJSON(to: &bytes)
    }

    @inlinable
    package mutating func member(_ name: StaticString, _ value: (some JSONAppendable)?) {
        if let value { member(name, value) }
    }
}

extension Array: JSONAppendable where Element: JSONAppendable {
    @inlinable
    public func appendJSON(to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, element) in enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            element.appendJSON(to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }
}
