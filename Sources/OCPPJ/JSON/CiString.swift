/// OCPP's bounded string (`CiString20Type`, `CiString50Type`, ...), with the bound in the type
/// so an over-long value cannot be constructed, decoded or sent.
///
/// Length is counted in UTF-8 bytes: for the printable ASCII that OCPP prescribes that equals the
/// character count, and for anything else it is the conservative bound a fixed-width field on
/// the other side would apply. Content is not restricted to ASCII, because rejecting a stray
/// non-ASCII character would break interoperability for no safety gain.
public struct CiString<let maxLength: Int>: Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral, JSONScalar
{
    /// Stored exactly as received. Equality and hashing are case-sensitive so that the value
    /// survives a round trip unchanged; use ``equalsIgnoringCase(_:)`` where OCPP compares
    /// case-insensitively.
    public let value: String

    /// Nil when `string` is longer than `maxLength`. Given a literal, Swift calls
    /// ``init(stringLiteral:)`` instead (SE-0213), which traps rather than returning nil.
    public init?(_ string: String) {
        guard string.utf8.count <= maxLength else {
            return nil
        }
        value = string
    }

    /// Literals are written by programmers, so an over-long one is a bug, not input to handle.
    public init(stringLiteral literal: String) {
        precondition(literal.utf8.count <= maxLength, "\"\(literal)\" is longer than \(maxLength) characters")
        value = literal
    }

    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let bounded = Self(string) else {
            throw decoder.payloadError(
                .tooLong, "is \(string.utf8.count) characters long, at most \(maxLength) are allowed")
        }
        self = bounded
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    @inlinable
    public func appendJSON(to output: inout [UInt8]) {
        JSONOutput.appendString(value, to: &output)
    }

    public var description: String {
        value
    }

    /// OCPP compares identifiers such as idTags case-insensitively; only ASCII letters fold,
    /// matching the printable-ASCII alphabet the protocol allows.
    public func equalsIgnoringCase(_ other: Self) -> Bool {
        value.utf8.elementsEqual(other.value.utf8) { Self.asciiLowercased($0) == Self.asciiLowercased($1) }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
