/// The websocket URL a station connects to: the CSMS's URL with the station's identity appended as the last
/// path segment, percent-encoded ([J] §3.1.1, [2.0.1 P4] §3.1).
public func websocketURL(csms base: String, identity: String) -> String {
    let separator = base.hasSuffix("/") ? "" : "/"
    return base + separator + percentEncodedSegment(identity)
}

/// `text` as one URL path segment: the unreserved characters of RFC 3986 kept, every other byte encoded.
public func percentEncodedSegment(_ text: String) -> String {
    let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    for byte in text.utf8 {
        if unreserved.contains(byte) {
            bytes.append(byte)
        } else {
            bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
