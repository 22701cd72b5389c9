import Glibc
import HTTPServer
import Logging

/// A value shared between the test thread and server handler threads.
final class Shared<Value>: @unchecked Sendable {  // `value` guarded by `mutex`
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func update<T>(_ body: (inout Value) -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&value)
    }

    var get: Value { update { $0 } }
}

func testLogger() -> Logger {
    var logger = Logger(label: "FileTransferTests")
    logger.logLevel = .critical
    return logger
}

/// Starts an HTTPServer on 127.0.0.1 and a free port.
func startServer(maximumBodySize: Int = 4 * 1024 * 1024,
                 handler: @escaping @Sendable (HTTPRequest, HTTPResponder) -> Void) throws -> HTTPServer {
    let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, maximumBodySize: maximumBodySize,
                                                shutdownGraceMilliseconds: 100)
    let server = HTTPServer(configuration: configuration, logger: testLogger(), handler: handler)
    try server.start()
    return server
}

/// A port on 127.0.0.1 that nothing listens on (bound, read, closed again).
func closedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            precondition(bind(fd, raw, length) == 0)
            precondition(getsockname(fd, raw, &length) == 0)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}

func fileExists(_ path: String) -> Bool {
    access(path, F_OK) == 0
}

func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 { return nil }
        if got == 0 { return result }
        result.append(contentsOf: buffer[0..<got])
    }
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0)
    defer { close(fd) }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    precondition(written == bytes.count)
}

func seconds(_ duration: Duration) -> Double {
    let (whole, atto) = duration.components
    return Double(whole) + Double(atto) / 1e18
}
