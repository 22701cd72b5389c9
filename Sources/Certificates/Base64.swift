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
        var text = text
        return text.withUTF8 { decode(utf8: $0) }
    }

    /// One pass over the bytes with a table, four sextets at a time: the service decodes its embedded page
    /// (a few hundred KB) at every start, so this runs at a few instructions per character.
    private static func decode(utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 4 * 3)
        var bits: UInt32 = 0
        var sextets = 0
        var padding = 0
        let table = sextetTable
        for character in utf8 {
            let value = table[Int(character)]
            if value < 64 {
                // Data after padding ("QQ==QQ==") is malformed.
                guard padding == 0 else { return nil }
                bits = bits << 6 | UInt32(value)
                sextets += 1
                if sextets == 4 {
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                    bytes.append(UInt8(truncatingIfNeeded: bits))
                    bits = 0
                    sextets = 0
                }
            } else if value == whitespace {
                continue
            } else if value == paddingMark {
                padding += 1
            } else {
                return nil
            }
        }
        // Whole quanta only; "=" and "==" complete the last one, "===" completes nothing.
        guard (sextets + padding) % 4 == 0, padding <= 2 else { return nil }
        switch sextets {
        case 2:
            bytes.append(UInt8(truncatingIfNeeded: bits >> 4))
        case 3:
            bytes.append(UInt8(truncatingIfNeeded: bits >> 10))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 2))
        default:
            break
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

    private static let whitespace: UInt8 = 64
    private static let paddingMark: UInt8 = 65

    /// Each byte's sextet (0–63), `whitespace` (space, tab, CR, LF), `paddingMark` (`=`), or 255 for a byte
    /// that has no place in base64.
    private static let sextetTable: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        for character in [0x20, 0x09, 0x0a, 0x0d] { table[character] = whitespace }
        table[Int(UInt8(ascii: "="))] = paddingMark
        return table
    }()
}
