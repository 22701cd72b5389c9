import Glibc

/// Compares a secret with a candidate in time that depends only on the secret's length, never on where
/// the two differ or on how long the candidate is: every byte of the secret is looked at, the difference
/// is accumulated without branching on it, and the lengths are compared the same way.
public func constantTimeEquals(_ candidate: [UInt8], _ secret: [UInt8]) -> Bool {
    var difference = UInt(bitPattern: candidate.count ^ secret.count)
    let count = candidate.count
    for index in secret.indices {
        // An index into the candidate that exists whatever its length (nothing to read when it is empty).
        let other: UInt8 = count == 0 ? 0 : candidate[index % count]
        difference |= UInt(secret[index] ^ other)
    }
    return difference == 0
}

/// Whether `host` names this machine's loopback interface only: an IPv4 address in 127.0.0.0/8, the IPv6
/// loopback `::1` (also written as the IPv4-mapped `::ffff:127.x.y.z`), or `localhost`. Brackets around
/// an IPv6 literal are allowed. Other names are not resolved, so they never count as loopback.
public func isLoopbackHost(_ host: String) -> Bool {
    var name = host
    if name.hasPrefix("["), name.hasSuffix("]") {
        name = String(name.dropFirst().dropLast())
    }
    if asciiLowercased(name) == "localhost" { return true }
    var v4 = in_addr()
    if inet_pton(AF_INET, name, &v4) == 1 {
        return withUnsafeBytes(of: v4) { $0[0] } == 127
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, name, &v6) == 1 {
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }   // ::1
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        return mapped && bytes[12] == 127
    }
    return false
}

/// Whether a request's `Host` header ("127.0.0.1:8080", "[::1]:8080", "localhost") addresses this
/// machine by a loopback name (as `isLoopbackHost`, plus names under `.localhost`, which browsers
/// resolve to loopback themselves). A page on another name that resolves to 127.0.0.1 (DNS rebinding)
/// sends that other name, so this tells the two apart.
public func isLoopbackHostHeader(_ value: String) -> Bool {
    // On bytes: every request without a token comes here.
    func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    var host = value.utf8TrimmingASCIISpaces
    if host.first == UInt8(ascii: "[") {
        guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
        let rest = host[host.index(after: close)...]
        guard rest.isEmpty || (rest.first == UInt8(ascii: ":") && rest.dropFirst().allSatisfy(isDigit)) else { return false }
        host = host[...close]
    } else if let colon = host.firstIndex(of: UInt8(ascii: ":")) {
        guard host[host.index(after: colon)...].allSatisfy(isDigit) else { return false }
        host = host[..<colon]
    }
    // What nearly every local client sends, answered without building a string.
    let text = Substring(host)
    if text == "127.0.0.1" || text == "localhost" { return true }
    let name = asciiLowercased(String(text))
    return isLoopbackHost(name) || (name.hasSuffix(".localhost") && name.count > ".localhost".count)
}
