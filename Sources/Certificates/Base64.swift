/// Standard base64 (RFC 4648 §4, alphabet `A–Z a–z 0–9 + /`, `=` padding), as OCPP carries
/// signatures and certificates in JSON strings.
///
/// Implemented here rather than with OpenSSL's EVP_Decode*, which silently accepts unpadded and
/// partly broken input; the decoder below is strict about everything except whitespace.
public enum Base64 {
    /// The decoded bytes, or nil if `text` is not padded standard base64. Whitespace (space, tab,
    /// CR, LF) anywhere is ignored, so PEM-style wrapped lines decode too. Non-zero bits after the
    /// last byte (e.g. "QR==") are accepted, as most decoders do.
    public static func decode(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.utf8.count)
        var padding = 0
        for character in text.utf8 {
            switch character {
            case 0x20, 0x09, 0x0a, 0x0d:
                continue
            case UInt8(ascii: "="):
                padding += 1
            default:
                // Data after padding ("QQ==QQ==") is malformed.
                guard padding == 0, let value = sextet(character) else { return nil }
                sextets.append(value)
            }
        }
        // Whole quanta only; "=" and "==" complete the last one, "===" completes nothing.
        guard (sextets.count + padding) % 4 == 0, padding <= 2 else { return nil }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var index = 0
        while index < sextets.count {
            let group = sextets[index..<min(index + 4, sextets.count)]
            var bits: UInt32 = 0
            for value in group { bits = bits << 6 | UInt32(value) }
            bits <<= UInt32(6 * (4 - group.count))
            let produced = group.count - 1  // 4 sextets -> 3 bytes, 3 -> 2, 2 -> 1
            for shift in [16, 8, 0].prefix(produced) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
            index += 4
        }
        return bytes
    }

    /// Padded standard base64 on one line.
    public static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var bits: UInt32 = 0
            for byte in chunk { bits = bits << 8 | UInt32(byte) }
            bits <<= UInt32(8 * (3 - chunk.count))
            for position in 0..<4 {
                if position <= chunk.count {
                    text.append(alphabet[Int(bits >> UInt32(18 - 6 * position) & 0x3f)])
                } else {
                    text.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
