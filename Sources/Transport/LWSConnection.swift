import CLibWebSockets
import Logging

/// One websocket, client or server side, as both ends handle it on the lws service thread: message
/// reassembly with the size cap and the UTF-8 check, the queue of frames written one per WRITEABLE, and
/// the close and fail paths. The owner keeps what differs (attempt bookkeeping, identities, events).
///
/// libwebsockets 4.1.6 trap: RECEIVE must never ask lws to close. Its client parser keeps the receive
/// buffer's fill index when a RECEIVE callback returns non-zero mid-frame, and parsing the rest of a
/// large frame then writes past that buffer (a heap overflow, seen as a crash on a 1.1 MB frame). So a
/// connection is failed by marking it: WRITEABLE sends the close frame and returns -1, what arrives until
/// then is discarded, and a 2 s close-send timeout is the backstop.
final class LWSConnection {
    let id: UInt64
    /// Known from the first callback on (a client attempt has none before lws reports it).
    var wsi: OpaquePointer?
    /// The first recorded cause of the end, for the owner's `disconnected` event.
    private(set) var reason: String?

    private struct Close {
        let status: lws_close_status
        let text: String
        /// Wait until the queued frames are written (so that a last answer, e.g. Reset.conf before a
        /// reboot, is not lost to our own close); otherwise close at the next WRITEABLE.
        let afterQueued: Bool
    }

    private var reassembler: MessageReassembler
    private var queue: [String] = []
    private var queueHead = 0
    private var pendingClose: Close?
    private var pingPending = false

    init(id: UInt64, wsi: OpaquePointer?, maximumMessageSize: Int) {
        self.id = id
        self.wsi = wsi
        self.reassembler = MessageReassembler(maximumSize: maximumMessageSize)
    }

    /// A close was asked for; no more pings, and no more frames once it goes out at once.
    var isClosing: Bool { pendingClose != nil }

    private var closesAtOnce: Bool { pendingClose.map { !$0.afterQueued } ?? false }

    func note(_ text: String) {
        if reason == nil { reason = text }
    }

    /// RECEIVE: the message once it is complete. Always lets lws go on (see the type's doc): an oversized
    /// or invalid message fails the connection instead.
    func receive(_ input: UnsafeMutableRawPointer?, length: Int, logger: Logger) -> String? {
        guard !closesAtOnce, let wsi else { return nil }
        let piece = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let isLast = lws_is_final_fragment(wsi) != 0 && lws_remaining_packet_payload(wsi) == 0
        switch reassembler.receive(piece, isBinary: lws_frame_is_binary(wsi) != 0, isLast: isLast) {
        case .incomplete:
            return nil
        case .text(let text):
            return text
        case .binary(let size):
            logger.warning("websocket \(id): ignoring a binary message of \(size) bytes")
            return nil
        case .tooLarge:
            fail(LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big",
                 because: "incoming message larger than \(reassembler.maximumSize) bytes")
            return nil
        case .invalidUTF8(let size):
            fail(LWS_CLOSE_STATUS_INVALID_PAYLOAD, "invalid UTF-8",
                 because: "incoming text message of \(size) bytes is not valid UTF-8")
            return nil
        }
    }

    /// Queues a text frame; refused once a close goes out at once.
    func enqueue(_ text: String) {
        guard !closesAtOnce else { return }
        if !hasQueued, let wsi { lws_callback_on_writable(wsi) }
        queue.append(text)
    }

    /// Drops the frames not written yet; returns how many.
    @discardableResult
    func dropQueued() -> Int {
        let dropped = queue.count - queueHead
        queue.removeAll()
        queueHead = 0
        return dropped
    }

    func sendPing() {
        guard let wsi else { return }
        pingPending = true
        lws_callback_on_writable(wsi)
    }

    /// Sends a close frame with `status` from the next WRITEABLE, at once or after the queued frames.
    /// `backstop` makes lws drop the connection if that has not happened within 2 s.
    func close(_ status: lws_close_status, _ text: String, afterQueued: Bool, backstop: Bool) {
        guard let wsi else { return }
        pendingClose = Close(status: status, text: text, afterQueued: afterQueued)
        lws_callback_on_writable(wsi)
        if backstop { lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, 2) }
    }

    /// Fails the connection (RFC 6455 §7.1.7): nothing more is read from it, and WRITEABLE sends the close.
    func fail(_ status: lws_close_status, _ text: String, because reason: String) {
        note(reason)
        reassembler.discard()
        close(status, text, afterQueued: false, backstop: true)
    }

    /// Drops the connection at lws's next opportunity, without a close handshake.
    func kill() {
        guard let wsi else { return }
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
    }

    /// WS_PEER_INITIATED_CLOSE: `input` holds the close code (big-endian) and reason.
    func peerClosed(_ input: UnsafeMutableRawPointer?, length: Int, peer: String) {
        var text = "\(peer) closed the connection"
        if let input, length >= 2 {
            let bytes = UnsafeRawBufferPointer(start: input, count: length)
            text += " with code \(Int(bytes[0]) << 8 | Int(bytes[1]))"
            let message = String(decoding: bytes.dropFirst(2), as: UTF8.self)
            if !message.isEmpty { text += " (\(message))" }
        }
        note(text)
    }

    /// WRITEABLE: writes one frame (a pending close, a ping or the next queued text); -1 closes.
    func writeable(with writer: inout LWSWriter) -> Int32 {
        guard let wsi else { return 0 }
        if let close = pendingClose, !close.afterQueued || !hasQueued {
            var text = Array(close.text.utf8)
            lws_close_reason(wsi, close.status, &text, text.count)
            return -1
        }
        if pingPending, pendingClose == nil {
            pingPending = false
            if writer.write(nil, to: wsi, as: LWS_WRITE_PING) < 0 {
                note("writing a ping failed")
                return -1
            }
            if hasQueued { lws_callback_on_writable(wsi) }
            return 0
        }
        guard let text = popQueued() else { return 0 }
        let written = writer.write(text, to: wsi, as: LWS_WRITE_TEXT)
        if written < text.utf8.count {
            note("write failed (\(written) of \(text.utf8.count) bytes)")
            return -1
        }
        if hasQueued || pingPending || pendingClose != nil { lws_callback_on_writable(wsi) }
        return 0
    }

    private var hasQueued: Bool { queueHead < queue.count }

    private func popQueued() -> String? {
        guard queueHead < queue.count else { return nil }
        let text = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: queue.count <= 64)
            queueHead = 0
        } else if queueHead >= 64, queueHead * 2 >= queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return text
    }
}

/// One `lws_write` at a time from a reused buffer: lws wants `LWS_PRE` writable bytes before the data, and
/// buffers whatever the socket does not take at once.
struct LWSWriter {
    private var buffer: [UInt8] = []

    /// Returns what lws reports as written (negative on failure). `text` nil writes an empty frame (a ping).
    mutating func write(_ text: String?, to wsi: OpaquePointer, as kind: lws_write_protocol) -> Int {
        let pre = cp_lws_pre()
        let count = text?.utf8.count ?? 0
        if buffer.count < pre + count {
            buffer = [UInt8](repeating: 0, count: max(pre + count, 2 * buffer.count, 4096))
        }
        return buffer.withUnsafeMutableBufferPointer { bytes in
            if let text {
                _ = UnsafeMutableBufferPointer(rebasing: bytes[pre..<(pre + count)]).update(fromContentsOf: text.utf8)
            }
            return Int(lws_write(wsi, bytes.baseAddress! + pre, count, kind))
        }
    }
}

/// Messages that threads other than the service thread `send`, waiting for the service thread to hand them
/// to their connections, in `send` order. Lives under its owner's lock; the service thread swaps the whole
/// list out, so a send costs one append and at most one wake-up.
struct PostedMessages {
    private var items: [(connection: UInt64, text: String)] = []

    /// Returns true when the list was empty: only then does the service thread need a wake-up.
    mutating func post(_ text: String, to connection: UInt64) -> Bool {
        items.append((connection, text))
        return items.count == 1
    }

    /// Moves every message into `spare` (which must be empty) and keeps `spare`'s storage for the next ones.
    mutating func take(into spare: inout [(connection: UInt64, text: String)]) {
        swap(&items, &spare)
    }

    /// Drops everything; returns how many were dropped.
    mutating func removeAll() -> Int {
        defer { items.removeAll() }
        return items.count
    }
}

/// A header of the handshake; "" when absent.
func lwsHeader(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String {
    let length = Int(lws_hdr_total_length(wsi, token))
    guard length > 0 else { return "" }
    var buffer = [CChar](repeating: 0, count: length + 1)
    guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return "" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// An HTTP token (RFC 7230 §3.2.6), as `Sec-WebSocket-Protocol` values must be.
func isSubprotocolToken(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy { c in c > 0x20 && c < 0x7F && !"()<>@,;:\\\"/[]?={}".utf8.contains(c) }
}
