import CLibWebSockets
@testable import Transport

#if canImport(Glibc)
import Glibc
import Threads
#endif

typealias LWSServerCallback = @convention(c) (
    OpaquePointer?, lws_callback_reasons, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int
) -> Int32

let lwsTestServerCallback: LWSServerCallback = { wsi, reason, user, input, length in
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
    let server = Unmanaged<LWSTestServer>.fromOpaque(owner).takeUnretainedValue()
    return server.handle(wsi: wsi, reason: reason, user: user, input: input, length: length)
}

/// A loopback websocket server built on libwebsockets in server mode, on its own thread.
/// It speaks the subprotocol `subprotocol`, echoes every text message, and can push
/// frames (fragmented, binary, oversized) or close every connection on request.
final class LWSTestServer: @unchecked Sendable {
    // lws objects and `connections` are touched only on the server thread (or in init before
    // the thread starts); `lock` guards `commands`, `stopRequested` and the recorded stats.
    enum Frame: Sendable {
        case text(String)
        case binary([UInt8])
        case rawText([UInt8])               // a text frame with arbitrary (maybe invalid UTF-8) bytes
        case fragments([[UInt8]])           // one text message split over several frames

        static func fragmented(_ parts: [String]) -> Frame { .fragments(parts.map { Array($0.utf8) }) }
    }

    private enum Command {
        case push(Frame)
        case closeAll(code: Int)
    }

    private final class Connection {
        var queue: [(bytes: [UInt8], protocolFlags: UInt32)] = []
        var closeCode: Int?
        var rx: [UInt8] = []
    }

    private(set) var port = 0
    private var context: OpaquePointer!     // set once in init, before the thread starts
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let cName: UnsafeMutablePointer<CChar>
    private let cInterface: UnsafeMutablePointer<CChar>
    private var thread: pthread_t?
    private var connections: [OpaquePointer: Connection] = [:]

    private let lock = Lock()
    private var commands: [Command] = []
    private var stopRequested = false
    private var receivedLog: [String] = []
    private var closeCodeLog: [Int] = []
    private var establishedCount = 0

    struct SetupError: Error {}

    /// `port` 0 picks a free port.
    init(port: Int = 0, subprotocol: String = "ocpp1.6") throws {
        cName = strdup(subprotocol)
        cInterface = strdup("127.0.0.1")
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocols[0].name = UnsafePointer(cName)
        protocols[0].callback = lwsTestServerCallback

        var info = lws_context_creation_info()
        info.port = Int32(port)
        info.iface = UnsafePointer(cInterface)
        info.protocols = UnsafePointer(protocols)
        info.gid = -1
        info.uid = -1
        info.options = UInt64(LWS_SERVER_OPTION_DISABLE_IPV6)
        info.fd_limit_per_thread = 64
        info.user = Unmanaged.passUnretained(self).toOpaque()
        let created = lws_create_context(&info)
        guard let created, let vhost = lws_get_vhost_by_name(created, "default") else {
            if let created { lws_context_destroy(created) }
            throw SetupError()
        }
        context = created
        self.port = Int(lws_get_vhost_listen_port(vhost))
        thread = spawnThread(name: "lws-test-srv") { [self] in run() }
    }

    deinit {
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        free(cName)
        free(cInterface)
    }

    var received: [String] { lock.withLock { receivedLog } }
    var closeCodes: [Int] { lock.withLock { closeCodeLog } }
    var connectionsAccepted: Int { lock.withLock { establishedCount } }

    func push(_ frame: Frame) { enqueue(.push(frame)) }
    func closeAll(code: Int) { enqueue(.closeAll(code: code)) }

    private func enqueue(_ command: Command) {
        lock.withLock {
            commands.append(command)
            lws_cancel_service(context)
        }
    }

    /// Destroys the context (peers see the connection go away) and joins the thread.
    func shutdown() {
        guard let thread else { return }
        self.thread = nil
        lock.withLock {
            stopRequested = true
            lws_cancel_service(context)
        }
        pthread_join(thread, nil)
    }

    private func run() {
        while !lock.withLock({ stopRequested }) {
            if lws_service(context, 0) < 0 { break }
        }
        lws_context_destroy(context)
    }

    func handle(wsi: OpaquePointer, reason: lws_callback_reasons, user: UnsafeMutableRawPointer?,
                input: UnsafeMutableRawPointer?, length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_ESTABLISHED:
            connections[wsi] = Connection()
            lock.withLock { establishedCount += 1 }
            return 0

        case LWS_CALLBACK_CLOSED:
            connections[wsi] = nil
            return 0

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            if let input, length >= 2 {
                let bytes = UnsafeRawBufferPointer(start: input, count: length)
                let code = Int(bytes[0]) << 8 | Int(bytes[1])
                lock.withLock { closeCodeLog.append(code) }
            }
            return 0

        case LWS_CALLBACK_RECEIVE:
            guard let connection = connections[wsi] else { return 0 }
            if let input, length > 0 {
                connection.rx.append(contentsOf: UnsafeRawBufferPointer(start: input, count: length))
            }
            if lws_is_final_fragment(wsi) != 0 && lws_remaining_packet_payload(wsi) == 0 {
                let text = String(decoding: connection.rx, as: UTF8.self)
                connection.rx = []
                lock.withLock { receivedLog.append(text) }
                connection.queue.append((Array(text.utf8), LWS_WRITE_TEXT.rawValue))
                lws_callback_on_writable(wsi)
            }
            return 0

        case LWS_CALLBACK_SERVER_WRITEABLE:
            guard let connection = connections[wsi] else { return 0 }
            if let code = connection.closeCode {
                var text = Array("test close".utf8)
                lws_close_reason(wsi, lws_close_status(rawValue: UInt32(code)), &text, text.count)
                return -1
            }
            guard !connection.queue.isEmpty else { return 0 }
            let (bytes, flags) = connection.queue.removeFirst()
            let pre = cp_lws_pre()
            var frame = [UInt8](repeating: 0, count: pre)
            frame.append(contentsOf: bytes)
            let written = frame.withUnsafeMutableBufferPointer {
                lws_write(wsi, $0.baseAddress! + pre, bytes.count, lws_write_protocol(rawValue: flags))
            }
            if written < 0 { return -1 }
            if !connection.queue.isEmpty { lws_callback_on_writable(wsi) }
            return 0

        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            let pending: [Command] = lock.withLock {
                defer { commands.removeAll() }
                return commands
            }
            for command in pending {
                for (peer, connection) in connections {
                    switch command {
                    case let .push(frame):
                        connection.queue.append(contentsOf: LWSTestServer.frames(frame))
                    case let .closeAll(code):
                        connection.closeCode = code
                    }
                    lws_callback_on_writable(peer)
                }
            }
            return 0

        default:
            return lws_callback_http_dummy(wsi, reason, user, input, length)
        }
    }

    private static func frames(_ frame: Frame) -> [(bytes: [UInt8], protocolFlags: UInt32)] {
        let noFin = UInt32(LWS_WRITE_NO_FIN.rawValue)
        switch frame {
        case let .text(text): return [(Array(text.utf8), LWS_WRITE_TEXT.rawValue)]
        case let .binary(bytes): return [(bytes, LWS_WRITE_BINARY.rawValue)]
        case let .rawText(bytes): return [(bytes, LWS_WRITE_TEXT.rawValue)]
        case let .fragments(parts):
            return parts.enumerated().map { index, part in
                let opcode = index == 0 ? LWS_WRITE_TEXT.rawValue : LWS_WRITE_CONTINUATION.rawValue
                let last = index == parts.count - 1
                return (part, last ? opcode : opcode | noFin)
            }
        }
    }
}
