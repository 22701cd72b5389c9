import Logging
import Testing
@testable import Transport

#if canImport(Glibc)
import Glibc
import Threads
#endif

/// Always returns the same word: 0 gives u = -1 (lowest jitter), UInt64.max gives u ≈ +1.
struct ConstantRandom: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}

/// Thread-safe event log with waiting (no fixed sleeps: waits on a condition variable).
final class EventLog: @unchecked Sendable {
    // `events` is guarded by `lock`.
    private let lock = Condition()
    private var events: [WebSocketEvent] = []
    private var times: [UInt64] = []
    /// Called (on the client's service thread) after each event is recorded.
    var onRecord: (@Sendable (WebSocketEvent) -> Void)?

    var handler: @Sendable (WebSocketEvent) -> Void {
        { [self] event in
            lock.withLock {
                events.append(event)
                times.append(monotonicMicros())
            }
            lock.broadcast()
            onRecord?(event)
        }
    }

    var all: [WebSocketEvent] { lock.withLock { events } }
    /// Events with their CLOCK_MONOTONIC arrival time in microseconds.
    var timed: [(event: WebSocketEvent, micros: UInt64)] {
        lock.withLock { Array(zip(events, times)).map { (event: $0.0, micros: $0.1) } }
    }

    /// Waits until `match` returns non-nil for the events so far, or `timeout` seconds pass.
    func wait<T>(timeout: Double = 2, _ match: ([WebSocketEvent]) -> T?) -> T? {
        let deadline = monotonicMicros() + UInt64(timeout * 1_000_000)
        return lock.withLock {
            while true {
                if let found = match(events) { return found }
                if monotonicMicros() >= deadline { return nil }
                _ = lock.wait(untilUptime: .microseconds(Int64(deadline)))
            }
        }
    }

    /// Waits for the `n`-th (1-based) event matching `predicate`.
    func waitFor(_ n: Int = 1, timeout: Double = 2, _ predicate: @escaping (WebSocketEvent) -> Bool) -> WebSocketEvent? {
        wait(timeout: timeout) { events in
            let hits = events.filter(predicate)
            return hits.count >= n ? hits[n - 1] : nil
        }
    }
}

extension WebSocketEvent {
    var connectionID: UInt64 {
        switch self {
        case let .connecting(id, _), let .connected(id), let .received(id, _), let .securityFailure(id, _, _),
             let .disconnected(id, _, _): return id
        }
    }
    var isConnecting: Bool { if case .connecting = self { return true } else { return false } }
    var isConnected: Bool { if case .connected = self { return true } else { return false } }
    var isDisconnected: Bool { if case .disconnected = self { return true } else { return false } }
    var receivedText: String? { if case let .received(_, text) = self { return text } else { return nil } }
    var disconnectReason: String? { if case let .disconnected(_, reason, _) = self { return reason } else { return nil } }
    var reconnectIn: Duration?? { if case let .disconnected(_, _, d) = self { return .some(d) } else { return nil } }
}

/// Log handler that keeps every line, to check what reaches the logger.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // `lines` is guarded by `lock`; metadata/logLevel are only set before use.
    final class Store: @unchecked Sendable {
        // `lines` is guarded by `lock`.
        let lock = Lock()
        var lines: [(Logger.Level, String)] = []
        var all: [(Logger.Level, String)] { lock.withLock { lines } }
    }
    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(store: Store) { self.store = store }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.lock.withLock { store.lines.append((event.level, "\(event.message)")) }
    }
}

func makeLogger(_ label: String = "transport-test", store: CapturingLogHandler.Store = .init()) -> Logger {
    Logger(label: label) { _ in CapturingLogHandler(store: store) }
}

/// Fast, jitter-free backoff for integration tests.
let testBackoff = Backoff(initialDelay: .milliseconds(50), multiplier: 2, maximumDelay: .milliseconds(200), jitter: 0)

func elapsedSeconds(since start: UInt64) -> Double {
    Double(monotonicMicros() - start) / 1_000_000
}

// MARK: - Minimal SHA-1 / base64 for the hand-written handshake server

func sha1(_ message: [UInt8]) -> [UInt8] {
    func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var msg = message
    let bitLength = UInt64(message.count) * 8
    msg.append(0x80)
    while msg.count % 64 != 56 { msg.append(0) }
    for i in (0..<8).reversed() { msg.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
    var w = [UInt32](repeating: 0, count: 80)
    for chunk in stride(from: 0, to: msg.count, by: 64) {
        for i in 0..<16 {
            let o = chunk + 4 * i
            w[i] = UInt32(msg[o]) << 24 | UInt32(msg[o + 1]) << 16 | UInt32(msg[o + 2]) << 8 | UInt32(msg[o + 3])
        }
        for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
        var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
        for i in 0..<80 {
            let f: UInt32
            let k: UInt32
            switch i {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
            default: f = b ^ c ^ d; k = 0xCA62_C1D6
            }
            let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
            (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
    }
    return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
}

func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let n = min(3, bytes.count - i)
        let b0 = bytes[i], b1 = n > 1 ? bytes[i + 1] : 0, b2 = n > 2 ? bytes[i + 2] : 0
        out.append(table[Int(b0 >> 2)])
        out.append(table[Int((b0 & 3) << 4 | b1 >> 4)])
        out.append(n > 1 ? table[Int((b1 & 0xF) << 2 | b2 >> 6)] : UInt8(ascii: "="))
        out.append(n > 2 ? table[Int(b2 & 0x3F)] : UInt8(ascii: "="))
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}

func websocketAccept(forKey key: String) -> String {
    base64(sha1(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)))
}

/// Polls `condition` every 5 ms until it holds or `timeout` seconds pass (for state that
/// lives in a test server rather than in the event stream).
func eventually(timeout: Double = 2, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicMicros() + UInt64(timeout * 1_000_000)
    while true {
        if condition() { return true }
        if monotonicMicros() >= deadline { return false }
        usleep(5_000)
    }
}

/// Checks the event contract: ids start at 1 and grow by one per attempt; each attempt is
/// `connecting`, at most one `connected` (then `received`s), and exactly one final
/// `disconnected` (`open` ids, still running, may lack it).
func checkEventContract(_ events: [WebSocketEvent], allowOpen: Bool = false,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    var expectedNext: UInt64 = 1
    var state: [UInt64: Int] = [:]          // 0 connecting, 1 connected, 2 disconnected
    for event in events {
        let id = event.connectionID
        switch event {
        case .connecting:
            #expect(id == expectedNext, "connection ids must grow by one: \(events)", sourceLocation: sourceLocation)
            expectedNext = id + 1
            state[id] = 0
        case .connected:
            #expect(state[id] == 0, "connected out of order: \(events)", sourceLocation: sourceLocation)
            state[id] = 1
        case .received:
            #expect(state[id] == 1, "received outside a connection: \(events)", sourceLocation: sourceLocation)
        case .securityFailure:
            #expect(state[id] == 0, "security failure after connecting: \(events)", sourceLocation: sourceLocation)
        case .disconnected:
            #expect(state[id] == 0 || state[id] == 1, "second or stray disconnected: \(events)", sourceLocation: sourceLocation)
            state[id] = 2
        }
    }
    if !allowOpen {
        #expect(state.values.allSatisfy { $0 == 2 }, "an attempt has no disconnected: \(events)", sourceLocation: sourceLocation)
    }
}
