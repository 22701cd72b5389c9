/// How the AuthorizationKey becomes the Basic-auth password: implementations differ ([J] §6 sends the
/// hex-decoded bytes, others the configured string), so the installer chooses.
public enum AuthorizationKeyEncoding: String, Sendable, CaseIterable {
    /// The key string as configured: 16 to 40 printable ASCII characters.
    case text
    /// 32 to 40 hex digits (16 to 20 bytes), sent decoded.
    case hex

    /// The password bytes, nil if `key` is not a valid key in this encoding.
    public func password(for key: String) -> [UInt8]? {
        let bytes = Array(key.utf8)
        switch self {
        case .text:
            guard (16...40).contains(bytes.count), bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
            return bytes
        case .hex:
            guard (32...40).contains(bytes.count), bytes.count.isMultiple(of: 2) else { return nil }
            var decoded: [UInt8] = []
            var index = 0
            while index < bytes.count {
                guard let high = Self.nibble(bytes[index]), let low = Self.nibble(bytes[index + 1]) else { return nil }
                decoded.append(high << 4 | low)
                index += 2
            }
            return decoded
        }
    }

    public var requirement: String {
        switch self {
        case .text: "16 to 40 printable ASCII characters without spaces"
        case .hex: "32 to 40 hexadecimal digits (16 to 20 bytes)"
        }
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
