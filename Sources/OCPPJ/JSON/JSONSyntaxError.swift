/// Why a byte sequence is not JSON, and where: OCPP answers such a frame with a CALLERROR
/// whose description should let the other side's developer find the mistake.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero-based byte offset of the first byte that could not be accepted.
    public let offset: Int
    /// The problem without its location, e.g. "unexpected character 'x'".
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "\(reason) at byte \(offset)"
    }
}
