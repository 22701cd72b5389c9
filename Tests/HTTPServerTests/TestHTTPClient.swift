import Glibc

struct TestClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct TestResponse {
    var status: Int
    var headers: [String: String]   // lowercased names
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A deliberately tiny HTTP/1.1 client over a blocking BSD socket, with poll()-based deadlines.
final class TestHTTPClient {
    private(set) var fd: Int32
    private var buffer: [UInt8] = []

    /// - Parameter receiveBufferSize: SO_RCVBUF set before connecting (to make a client stall quickly).
    init(port: UInt16, ipv6: Bool = false, receiveBufferSize: Int32? = nil) throws {
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket() failed: \(errno)") }
        if var size = receiveBufferSize {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(port).bigEndian
            _ = inet_pton(AF_INET6, "::1", &address.sin6_addr)
            rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard rc == 0 else {
            let error = errno
            Glibc.close(fd)
            fd = -1   // deinit runs for a class whose throwing init had set every property
            throw TestClientError("connect() failed: \(String(cString: strerror(error)))")
        }
    }

    deinit { close() }

    func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw TestClientError("send() failed: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
    }

    /// Reads what is available, waiting until `deadline`. False on EOF (or reset).
    private func fill(until deadline: UInt64) throws -> Bool {
        while true {
            let now = testNow()
            guard now < deadline else { throw TestClientError("timed out waiting for data") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let waitMs = Int32(min(1000, max(1, (deadline - now) / 1_000_000)))
            let ready = poll(&pfd, 1, waitMs)
            if ready < 0 {
                if errno == EINTR { continue }
                throw TestClientError("poll() failed")
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n == 0 { return false }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET { return false }
            throw TestClientError("recv() failed: \(String(cString: strerror(errno)))")
        }
    }

    /// True once the server has closed the connection (EOF or reset) before `timeout`.
    func waitForClose(timeout: Double = 1.5) -> Bool {
        let deadline = testNow() + UInt64(timeout * 1e9)
        while true {
            do {
                if try !fill(until: deadline) { return true }
                buffer.removeAll()
            } catch {
                return false
            }
        }
    }

    private func takeLine(until deadline: UInt64) throws -> String {
        while true {
            if let index = findCRLF() {
                let line = String(decoding: buffer[0..<index], as: UTF8.self)
                buffer.removeFirst(index + 2)
                return line
            }
            guard try fill(until: deadline) else { throw TestClientError("connection closed inside a line") }
        }
    }

    private func findCRLF() -> Int? {
        guard buffer.count >= 2 else { return nil }
        for i in 0..<(buffer.count - 1) where buffer[i] == 13 && buffer[i + 1] == 10 {
            return i
        }
        return nil
    }

    private func take(_ count: Int, until deadline: UInt64) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill(until: deadline) else { throw TestClientError("connection closed inside a body") }
        }
        let out = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return out
    }

    /// Status line and headers.
    func readHead(timeout: Double = 1.5) throws -> (status: Int, headers: [String: String]) {
        let deadline = testNow() + UInt64(timeout * 1e9)
        let statusLine = try takeLine(until: deadline)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw TestClientError("bad status line: \(statusLine)")
        }
        var headers: [String: String] = [:]
        while true {
            let line = try takeLine(until: deadline)
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError("bad header: \(line)") }
            let name = String(line[..<colon]).lowercased()
            var value = line[line.index(after: colon)...]
            while value.first == " " { value.removeFirst() }
            headers[name] = String(value)
        }
        return (status, headers)
    }

    /// One chunk of a chunked body; nil for the terminating chunk.
    func readChunk(timeout: Double = 1.5) throws -> [UInt8]? {
        let deadline = testNow() + UInt64(timeout * 1e9)
        let sizeLine = try takeLine(until: deadline)
        let hex = sizeLine.split(separator: ";").first.map(String.init) ?? ""
        guard let size = Int(hex.trimmingCharacters(), radix: 16) else {
            throw TestClientError("bad chunk size line: \(sizeLine)")
        }
        if size == 0 {
            while try !takeLine(until: deadline).isEmpty {}   // trailers
            return nil
        }
        let data = try take(size, until: deadline)
        _ = try take(2, until: deadline)
        return data
    }

    func readResponse(timeout: Double = 1.5, isHead: Bool = false) throws -> TestResponse {
        let deadline = testNow() + UInt64(timeout * 1e9)
        let (status, headers) = try readHead(timeout: timeout)
        var body: [UInt8] = []
        if isHead || status == 204 || status == 304 || (100..<200).contains(status) {
            // no body
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while let chunk = try readChunk(timeout: Double(deadline - min(deadline, testNow())) / 1e9) {
                body += chunk
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            body = try take(length, until: deadline)
        } else {
            while try fill(until: deadline) {}
            body = buffer
            buffer.removeAll()
        }
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// Convenience: one request, one response.
    func request(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = [],
                 timeout: Double = 1.5) throws -> TestResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse(timeout: timeout, isHead: method == "HEAD")
    }
}

extension String {
    func trimmingCharacters() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " { view.removeFirst() }
        while let last = view.last, last == " " { view.removeLast() }
        return String(view)
    }
}

func testNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Polls `condition` every millisecond until it holds or `timeout` seconds pass.
func waitUntil(timeout: Double = 1.5, _ condition: () -> Bool) -> Bool {
    let deadline = testNow() + UInt64(timeout * 1e9)
    while testNow() < deadline {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

/// Runs `body` on a new detached pthread. (Not Dispatch: its global queue is as wide as the CPU
/// count and shares threads with Swift concurrency, so with blocking tests it can start work late.)
func onNewThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Box
        box.body()
        return nil
    }, context)
    precondition(rc == 0, "pthread_create failed")
    pthread_detach(thread)
}
