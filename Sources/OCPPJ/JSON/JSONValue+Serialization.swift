extension JSONValue {
    /// Compact JSON text with object keys sorted, so equal values serialize to equal strings
    /// (useful for logs, hashing and golden tests).
    public func serialized() -> String {
        var output: [UInt8] = []
        write(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the compact, key-sorted JSON text to `output`; lets a caller frame several values
    /// in one buffer without intermediate strings.
    public func write(into output: inout [UInt8]) {
        switch self {
        case .null:
            JSONOutput.appendNull(to: &output)
        case .bool(let bool):
            JSONOutput.appendBool(bool, to: &output)
        case .integer(let integer):
            JSONOutput.appendInteger(integer, to: &output)
        case .number(let number):
            JSONOutput.appendNumber(number, to: &output)
        case .string(let string):
            JSONOutput.appendString(string, to: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 {
                    output.append(UInt8(ascii: ","))
                }
                item.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 {
                    output.append(UInt8(ascii: ","))
                }
                JSONOutput.appendString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                value.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

/// Written as its `Encodable` conformance writes it, keys sorted: so that a message carrying open-ended JSON
/// (OCPP 2.0.1's DataTransfer `data`) can write its members itself.
extension JSONValue: JSONAppendable {
    public func appendJSON(to output: inout [UInt8]) {
        write(into: &output)
    }
}
