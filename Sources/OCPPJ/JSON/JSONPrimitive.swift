/// A value that writes itself as JSON straight into bytes. `JSONWriter` and its containers hand it the
/// output instead of an encoder of its own, which costs an allocation or three and a chain of dynamic calls
/// per value: every enumeration, bounded string and timestamp of every frame, and the messages sent most
/// (`JSONObject`), come through here. Its JSON is the one its `Encodable` conformance gives.
public protocol JSONAppendable: Encodable {
    func appendJSON(to output: inout [UInt8])
}

/// A value written as one JSON scalar.
public protocol JSONScalar: JSONAppendable {}

/// Enumerations are written as their raw value, as `Codable` writes them.
extension JSONScalar where Self: RawRepresentable, RawValue == String {
    public func appendJSON(to output: inout [UInt8]) {
        JSONOutput.appendString(rawValue, to: &output)
    }
}

/// The types `Codable` treats as primitives. Containers convert them directly instead of
/// through `init(from:)` / `encode(to:)`, which saves a nested coder per field.
protocol JSONPrimitive: JSONScalar {
    /// Converts under OCPP's typing rules: no coercion between strings, numbers and booleans,
    /// and integers only from JSON integers.
    init(strict json: JSONValue) throws(PrimitiveMismatch)
}

/// A JSON value that cannot become the requested primitive. It carries no path because only the
/// container that asked knows where the value sits; that container turns it into a ``PayloadError``.
struct PrimitiveMismatch: Error {
    let kind: PayloadError.Kind
    let message: String

    static func expected(_ expectation: String, found json: JSONValue) -> PrimitiveMismatch {
        PrimitiveMismatch(kind: .wrongType, message: "expected \(expectation), found \(json.kindDescription)")
    }

    static func outOfRange(_ json: JSONValue, _ range: String) -> PrimitiveMismatch {
        PrimitiveMismatch(kind: .invalidValue, message: "\(json.serialized()) is out of range \(range)")
    }
}

extension Bool: JSONPrimitive {
    init(strict json: JSONValue) throws(PrimitiveMismatch) {
        guard case .bool(let value) = json else {
            throw .expected("a boolean", found: json)
        }
        self = value
    }

    public func appendJSON(to output: inout [UInt8]) {
        JSONOutput.appendBool(self, to: &output)
    }
}

extension String: JSONPrimitive {
    init(strict json: JSONValue) throws(PrimitiveMismatch) {
        guard case .string(let value) = json else {
            throw .expected("a string", found: json)
        }
        self = value
    }

    public func appendJSON(to output: inout [UInt8]) {
        JSONOutput.appendString(self, to: &output)
    }
}

extension Double: JSONPrimitive {
    /// OCPP `decimal` fields legitimately arrive as JSON integers (`"limit": 16`).
    init(strict json: JSONValue) throws(PrimitiveMismatch) {
        switch json {
        case .integer(let value): self = Double(value)
        case .number(let value): self = value
        default: throw .expected("a number", found: json)
        }
    }

    public func appendJSON(to output: inout [UInt8]) {
        JSONOutput.appendNumber(self, to: &output)
    }
}

extension Float: JSONPrimitive {
    init(strict json: JSONValue) throws(PrimitiveMismatch) {
        let value = Float(try Double(strict: json))
        guard value.isFinite else {
            throw .outOfRange(json, "for a 32-bit float")
        }
        self = value
    }

    public func appendJSON(to output: inout [UInt8]) {
        JSONOutput.appendNumber(self, to: &output)
    }
}

extension JSONPrimitive where Self: FixedWidthInteger {
    init(strict json: JSONValue) throws(PrimitiveMismatch) {
        switch json {
        case .integer(let value):
            guard let exact = Self(exactly: value) else {
                throw .outOfRange(json, "\(Self.min)...\(Self.max)")
            }
            self = exact
        case .number(let value) where value.magnitude >= 0x1p63:
            // The parser turns integer literals beyond Int64 into numbers (all doubles this large
            // are whole); they are still integers to the sender, so "out of range" is the
            // accurate complaint, not "wrong type".
            throw .outOfRange(json, "\(Self.min)...\(Self.max)")
        default:
            throw .expected("an integer", found: json)
        }
    }
}

extension JSONScalar where Self: FixedWidthInteger {
    public func appendJSON(to output: inout [UInt8]) {
        if Self.isSigned {
            JSONOutput.appendInteger(Int64(self), to: &output)
        } else {
            JSONOutput.appendInteger(UInt64(self), to: &output)
        }
    }
}

extension Int: JSONPrimitive {}
extension Int8: JSONPrimitive {}
extension Int16: JSONPrimitive {}
extension Int32: JSONPrimitive {}
extension Int64: JSONPrimitive {}
extension UInt: JSONPrimitive {}
extension UInt8: JSONPrimitive {}
extension UInt16: JSONPrimitive {}
extension UInt32: JSONPrimitive {}
extension UInt64: JSONPrimitive {}
