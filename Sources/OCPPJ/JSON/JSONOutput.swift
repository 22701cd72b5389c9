/// The byte-level spelling of JSON scalars, shared by ``JSONValue/write(into:)`` and ``JSONWriter``
/// so both produce identical text for identical values.
@usableFromInline
enum JSONOutput {
    static func appendNull(to output: inout [UInt8]) {
        output.append(contentsOf: "null".utf8)
    }

    static func appendBool(_ value: Bool, to output: inout [UInt8]) {
        output.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 {
            output.append(UInt8(ascii: "-"))
        }
        appendInteger(value.magnitude, to: &output)
    }

    /// Writes the digits backwards into a buffer on the stack and appends them at once: one capacity check
    /// for the number instead of one per digit and a reversal (every id, counter and reading comes here).
    static func appendInteger(_ value: UInt64, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var rest = value
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest != 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// JSON has no NaN or infinity, so those become `null` rather than invalid output.
    /// Whole numbers that a `Double` holds exactly print without a fraction (`11`, not `11.0`),
    /// which is what integer-typed OCPP fields expect; the rest use Swift's shortest
    /// round-tripping form, which is always valid JSON for finite values (`0.1`, `1e-07`, `1.5e+16`).
    static func appendNumber<Number: BinaryFloatingPoint & CustomStringConvertible>(
        _ value: Number, to output: inout [UInt8]
    ) {
        if !value.isFinite {
            appendNull(to: &output)
        } else if value.magnitude <= 0x1p53, Number(Int64(value)) == value {
            // Compared via Int64 rather than `rounded()`, which would pull in libm's `trunc`.
            appendInteger(Int64(value), to: &output)
        } else {
            output.append(contentsOf: value.description.utf8)
        }
    }

    /// Copies runs of bytes that need no escaping in one go; most OCPP strings are one such run.
    @usableFromInline
    static func appendString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices where needsEscape(utf8[index]) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(utf8[index], to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        if let letter = shortEscapeLetter(for: byte) {
            output.append(letter)
        } else {
            output.append(contentsOf: "u00".utf8)
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 0x0F))
        }
    }

    /// The letter after the backslash for characters JSON lets us escape by name.
    private static func shortEscapeLetter(for byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        case UInt8(ascii: "\t"): UInt8(ascii: "t")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        default: nil
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
