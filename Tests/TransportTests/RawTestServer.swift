@testable import Transport

#if canImport(Glibc)
import Glibc
import Threads
#endif

/// A hand-written loopback HTTP/websocket-handshake server over BSD sockets, for replies
/// lws will not produce as a server: an upgrade without `Sec-WebSocket-Protocol`, plain
/// HTTP errors, or no reply at all. After the handshake it ignores all frames (it never
/// answers pings), so it also serves as a "frozen" peer.
final class RawTestServer: @unchecked Sendable {
    // Sockets and per-client buffers are touched only on the server thread; `requests`
    // is guarded by `lock`; `port`/`listenFD`/`wakePipe` are immutable after init.
    enum Reply: Sendable {
        case upgrade(subprotocol: String?)
        case status(Int)
        case silence
    }

    let port: Int
    let reply: Reply
    private let listenFD: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var thread: pthread_t?
    private let lock = Lock()
    private var requestLog: [String] = []

    struct SetupError: Error { let step: String }

    init(reply: Reply) throws {
        self.reply = reply
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError(step: "socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw SetupError(step: "bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            close(fd)
            throw SetupError(step: "pipe")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        thread = spawnThread(name: "raw-test-srv") { [self] in run() }
    }

    var requests: [String] { lock.withLock { requestLog } }

    func shutdown() {
        guard let thread else { return }
        self.thread = nil
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        pthread_join(thread, nil)
        close(listenFD)
        close(wakeRead)
        close(wakeWrite)
    }

    private func run() {
        var clients: [Int32: [UInt8]] = [:]
        var answered: Set<Int32> = []
        defer { for fd in clients.keys { close(fd) } }
        while true {
            var pfds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                        pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            for fd in clients.keys { pfds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            let n = poll(&pfds, nfds_t(pfds.count), -1)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            if pfds[0].revents != 0 { return }
            if pfds[1].revents & Int16(POLLIN) != 0 {
                let fd = accept(listenFD, nil, nil)
                if fd >= 0 { clients[fd] = [] }
            }
            for p in pfds.dropFirst(2) where p.revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let got = read(p.fd, &buffer, buffer.count)
                if got <= 0 {
                    close(p.fd)
                    clients[p.fd] = nil
                    answered.remove(p.fd)
                    continue
                }
                if answered.contains(p.fd) { continue }    // frames after the handshake: ignored
                clients[p.fd, default: []].append(contentsOf: buffer[0..<got])
                let data = clients[p.fd]!
                guard let end = headerEnd(data) else { continue }
                let request = String(decoding: data[0..<end], as: UTF8.self)
                lock.withLock { requestLog.append(request) }
                answered.insert(p.fd)
                switch reply {
                case .silence:
                    break
                case let .status(code):
                    send(p.fd, "HTTP/1.1 \(code) Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    close(p.fd)
                    clients[p.fd] = nil
                    answered.remove(p.fd)
                case let .upgrade(subprotocol):
                    let key = header("Sec-WebSocket-Key", in: request) ?? ""
                    var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    response += "Sec-WebSocket-Accept: \(websocketAccept(forKey: key))\r\n"
                    if let subprotocol { response += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
                    send(p.fd, response + "\r\n")
                }
            }
        }
    }

    private func send(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    private func headerEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4)
        where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 {
            return i + 4
        }
        return nil
    }
}

/// Value of header `name` (case-insensitive) in a raw HTTP request.
func header(_ name: String, in request: String) -> String? {
    for line in request.split(separator: "\r\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        if line[..<colon].lowercased() == name.lowercased() {
            return String(line[line.index(after: colon)...].drop(while: { $0 == " " }))
        }
    }
    return nil
}
