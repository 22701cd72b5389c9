import CLibWebSockets
import Logging

#if canImport(Glibc)
import Glibc
import Threads
#endif

// C entry points for libwebsockets. They cannot capture, so each one finds its Swift
// owner through a `void *`: the context user pointer (`lws_context_user`) for protocol
// callbacks (scheduled callbacks: see `LWSTimer`). The owner is a `WebSocketClient` or
// `WebSocketServer` kept alive by its service thread for as long as the context exists.

typealias LWSCallback = @convention(c) (
    OpaquePointer?, lws_callback_reasons, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int
) -> Int32

typealias LWSSulCallback = @convention(c) (UnsafeMutablePointer<lws_sorted_usec_list_t>?) -> Void

let lwsClientProtocolCallback: LWSCallback = { wsi, reason, user, input, length in
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
    let client = Unmanaged<WebSocketClient>.fromOpaque(owner).takeUnretainedValue()
    return client.handleCallback(wsi: wsi, reason: reason, user: user, input: input, length: length)
}

let lwsServerProtocolCallback: LWSCallback = { wsi, reason, user, input, length in
    guard let wsi, let context = lws_get_context(wsi), let owner = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
    let server = Unmanaged<WebSocketServer>.fromOpaque(owner).takeUnretainedValue()
    return server.handleCallback(wsi: wsi, reason: reason, user: user, input: input, length: length)
}

// MARK: - lws log routing

/// lws has one process-wide log sink (`lws_set_log_level`). The most recently started
/// client's logger receives lws ERR and WARN lines, one swift-log entry per line.
final class LWSLogRouter: @unchecked Sendable {
    // `logger` is guarded by `lock`.
    static let shared = LWSLogRouter()

    private let lock = Lock()
    private var logger: Logger?
    /// The last ERR line, with the thread that logged it: lws puts the real cause of TLS
    /// failures only there, while CONNECTION_ERROR says "connect SSL err 1: error:00000001".
    private var lastError: (thread: pthread_t, micros: UInt64, text: String)?

    func install(_ logger: Logger) {
        lock.withLock {
            self.logger = logger
            lws_set_log_level(Int32(LLL_ERR | LLL_WARN), lwsLogEmitCallback)
        }
    }

    func emit(level: Int32, line: String) {
        guard let logger = lock.withLock({ self.logger }) else { return }
        let text = LWSLogRouter.strip(line)
        guard !text.isEmpty else { return }
        if level & Int32(LLL_ERR) != 0 {
            lock.withLock { lastError = (pthread_self(), monotonicMicros(), text) }
            logger.error("lws: \(text)")
        } else {
            logger.warning("lws: \(text)")
        }
    }

    /// The most recent ERR line logged by the calling thread within `micros`, if any.
    func recentError(withinMicros micros: UInt64) -> String? {
        lock.withLock {
            guard let last = lastError, pthread_equal(last.thread, pthread_self()) != 0,
                  monotonicMicros() - last.micros <= micros
            else { return nil }
            return last.text
        }
    }

    /// Drops lws's "[2024/01/01 10:00:00:1234] E: " prefix and the trailing newline.
    static func strip(_ line: String) -> String {
        var s = Substring(line)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s = s.dropLast() }
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            var rest = s[s.index(after: close)...].drop(while: { $0 == " " })
            if rest.count >= 2, rest.first!.isLetter, rest.dropFirst().first == ":" {
                rest = rest.dropFirst(2).drop(while: { $0 == " " })
            }
            s = rest
        }
        return String(s)
    }
}

let lwsLogEmitCallback: @convention(c) (Int32, UnsafePointer<CChar>?) -> Void = { level, line in
    guard let line else { return }
    LWSLogRouter.shared.emit(level: level, line: String(cString: line))
}

// MARK: - TLS alerts

/// The TLS alerts of the handshakes on each thread: the precise reason a TLS connection failed (lws
/// reports only "connect SSL err 1", and logs the cause of some failures but not of others).
final class TLSAlertRecorder: @unchecked Sendable {
    // `alerts` is guarded by `lock`.
    static let shared = TLSAlertRecorder()

    struct Alerts: Equatable {
        /// The last alert we sent (our verdict on the server) and the last one the server sent.
        var sent: Int32?
        var received: Int32?
    }

    private let lock = Lock()
    private var alerts: [pthread_t: Alerts] = [:]

    func record(sent: Bool, description: Int32) {
        lock.withLock {
            if sent {
                alerts[pthread_self(), default: Alerts()].sent = description
            } else {
                alerts[pthread_self(), default: Alerts()].received = description
            }
        }
    }

    /// This thread's alerts since the last call.
    func take() -> Alerts {
        lock.withLock { alerts.removeValue(forKey: pthread_self()) ?? Alerts() }
    }
}

/// OpenSSL's info callback: `value` is (level << 8) | description for alerts.
let tlsInfoCallback: @convention(c) (OpaquePointer?, Int32, Int32) -> Void = { _, event, value in
    guard event & Int32(SSL_CB_ALERT) != 0 else { return }
    TLSAlertRecorder.shared.record(sent: event & Int32(SSL_CB_WRITE) != 0, description: value & 0xFF)
}
