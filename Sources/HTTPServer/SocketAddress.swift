import Glibc

/// A resolved listen address, ready for MHD_OPTION_SOCK_ADDR.
struct ListenAddress {
    var storage = sockaddr_storage()
    var isIPv6 = false
    /// "::" - listen on IPv6 and IPv4 with one socket (MHD_USE_DUAL_STACK).
    var isIPv6Any = false

    /// Resolves an IP literal ("127.0.0.1", "::1", "[::1]", "0.0.0.0", "::"), "localhost"
    /// (127.0.0.1), or a host name (first getaddrinfo answer).
    static func resolve(host rawHost: String, port: UInt16) throws(HTTPServerError) -> ListenAddress {
        var host = rawHost
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else {
            throw HTTPServerError(.invalidHost, "cannot listen: the host is empty (use 127.0.0.1, 0.0.0.0, ::1 or ::)")
        }
        var result = ListenAddress()
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            result.setIPv4(v4, port: port)
            return result
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            result.setIPv6(v6, port: port)
            return result
        }
        if host == "localhost" {
            _ = inet_pton(AF_INET, "127.0.0.1", &v4)
            result.setIPv4(v4, port: port)
            return result
        }

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard rc == 0, let first = list, let address = first.pointee.ai_addr else {
            let reason = rc == 0 ? "no address" : String(cString: gai_strerror(rc))
            throw HTTPServerError(.invalidHost,
                                  "cannot listen on \"\(rawHost)\": not an IP address and not resolvable (\(reason))")
        }
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            result.setIPv4(v4, port: port)
        case AF_INET6:
            let v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            result.setIPv6(v6, port: port)
        default:
            throw HTTPServerError(.invalidHost, "cannot listen on \"\(rawHost)\": unsupported address family")
        }
        return result
    }

    private mutating func setIPv4(_ address: in_addr, port: UInt16) {
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = in_port_t(port).bigEndian
        sin.sin_addr = address
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: sin, as: sockaddr_in.self)
        }
        isIPv6 = false
        isIPv6Any = false
    }

    private mutating func setIPv6(_ address: in6_addr, port: UInt16) {
        var sin6 = sockaddr_in6()
        sin6.sin6_family = sa_family_t(AF_INET6)
        sin6.sin6_port = in_port_t(port).bigEndian
        sin6.sin6_addr = address
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: sin6, as: sockaddr_in6.self)
        }
        isIPv6 = true
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        isIPv6Any = bytes.allSatisfy { $0 == 0 }
    }
}
