import CMicroHTTPD
import Glibc
import Threads

/// The body of a streaming response (Server-Sent Events and the like), sent with chunked encoding.
///
/// Create one, answer with `HTTPResponder.respondWithStream(status:headers:stream:)`, then `write`
/// from any thread, at any time. The writer never blocks: bytes go into a bounded buffer that the
/// server drains as the client reads. While the buffer is empty the connection is suspended (no CPU,
/// no idle timeout); `write` resumes it.
///
/// A client that stops reading is dropped: once more than `maximumBufferedBytes` are waiting, the
/// stream closes (`closeReason == .bufferLimitExceeded`), further writes return false, and the
/// connection is cut as soon as MHD touches it again (at the latest after the server's
/// `connectionTimeoutSeconds` without progress). A client that has gone away is noticed at the next
/// write that reaches the socket, so producers should send a periodic keepalive (an SSE comment).
public final class HTTPStream: @unchecked Sendable {  // all mutable state is in `s`, guarded by `lock`
    public enum CloseReason: Sendable, Equatable {
        /// `finish()` was called: buffered bytes are still delivered, then the stream ends cleanly.
        case finished
        /// The client went away, or the request had ended before the stream was attached.
        case clientGone
        /// More than `maximumBufferedBytes` were waiting: a slow or stalled client is dropped.
        case bufferLimitExceeded
        /// `HTTPServer.stop()` ended the stream (buffered bytes are flushed if the client reads).
        case serverStopping
        /// The stream was passed to a responder that had already answered, or it was already
        /// attached to another response.
        case notAttached
    }

    public let maximumBufferedBytes: Int
    private let lock = Lock()
    private var s = State()  // guarded by `lock`

    enum End {
        case open
        case drainThenEnd   // finish(): deliver the rest, then END_OF_STREAM
        case abort          // END_WITH_ERROR at the next read: MHD closes the connection
    }

    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0            // index of the first unread chunk
        var headOffset = 0      // bytes already read from chunks[head]
        var buffered = 0
        var end: End = .open
        var closeReason: CloseReason?
        var onClose: (@Sendable () -> Void)?
        var onCloseFired = false
        var attached = false
        var connection: OpaquePointer?   // set while attached; nil after MHD freed the response
        var readerSuspended = false
    }

    /// - Parameter maximumBufferedBytes: bytes that may wait for a slow client before it is dropped.
    public init(maximumBufferedBytes: Int = 256 * 1024) {
        self.maximumBufferedBytes = max(1, maximumBufferedBytes)
    }

    /// Queues bytes for the client. Never blocks. Returns false (and queues nothing) if the stream is
    /// closed, or if these bytes would exceed the buffer bound, which closes the stream.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        lock.lock()
        if s.closeReason != nil {
            lock.unlock()
            return false
        }
        if bytes.isEmpty {
            lock.unlock()
            return true
        }
        if s.buffered + bytes.count > maximumBufferedBytes {
            let callback = closeLocked(.bufferLimitExceeded, end: .abort)
            lock.unlock()
            callback?()
            return false
        }
        s.chunks.append(bytes)
        s.buffered += bytes.count
        resumeReaderLocked()
        lock.unlock()
        return true
    }

    /// Writes UTF-8 text; same contract as `write(_:)`.
    @discardableResult
    public func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }

    /// Ends the stream after the bytes already written have been sent. Idempotent.
    public func finish() {
        close(.finished, end: .drainThenEnd)
    }

    /// True once the stream accepts no more writes (finished, client gone, dropped, server stopping).
    public var isClosed: Bool {
        lock.withLock { s.closeReason != nil }
    }

    /// Why the stream closed, or nil while it is open.
    public var closeReason: CloseReason? {
        lock.withLock { s.closeReason }
    }

    /// Bytes written but not yet handed to the connection.
    public var bufferedByteCount: Int {
        lock.withLock { s.buffered }
    }

    /// Called exactly once when the stream closes, for any reason, on the thread that closed it
    /// (a writer, `finish()`, an MHD thread, `stop()`), never with a lock held. Setting it on a stream
    /// that is already closed calls it at once (unless it already fired).
    public var onClose: (@Sendable () -> Void)? {
        get { lock.withLock { s.onClose } }
        set {
            lock.lock()
            if s.closeReason != nil {
                if s.onCloseFired || newValue == nil {
                    lock.unlock()
                    return
                }
                s.onCloseFired = true
                lock.unlock()
                newValue?()
                return
            }
            s.onClose = newValue
            lock.unlock()
        }
    }

    /// Removes and returns the bytes written but not yet sent. Meant for tests of code that produces
    /// a stream without a server (see `HTTPResponder.init(onAnswer:)`).
    public func takeBufferedBytes() -> [UInt8] {
        lock.withLock {
            var out: [UInt8] = []
            out.reserveCapacity(s.buffered)
            var index = s.head
            var offset = s.headOffset
            while index < s.chunks.count {
                out.append(contentsOf: s.chunks[index][offset...])
                index += 1
                offset = 0
            }
            s.chunks.removeAll()
            s.head = 0
            s.headOffset = 0
            s.buffered = 0
            return out
        }
    }

    // MARK: - internal (server side)

    func close(_ reason: CloseReason, end: End? = nil) {
        lock.lock()
        if s.closeReason != nil {
            lock.unlock()
            return
        }
        let callback = closeLocked(reason, end: end ?? .drainThenEnd)
        lock.unlock()
        callback?()
    }

    /// Ends the stream because the server stops: flush what is buffered, then end.
    func closeForShutdown() {
        close(.serverStopping, end: .drainThenEnd)
    }

    /// Binds the stream to its connection (MHD thread, before the response is queued).
    /// False if it was attached before.
    func attach(to connection: OpaquePointer) -> Bool {
        lock.withLock {
            if s.attached { return false }
            s.attached = true
            s.connection = connection
            return true
        }
    }

    /// MHD freed the response: the request is over (completed or the connection died).
    func detach() {
        lock.lock()
        s.connection = nil
        s.readerSuspended = false
        var callback: (@Sendable () -> Void)?
        if s.closeReason == nil {
            callback = closeLocked(.clientGone, end: .abort)
        }
        s.chunks.removeAll()
        s.head = 0
        s.headOffset = 0
        s.buffered = 0
        lock.unlock()
        callback?()
    }

    /// The MHD content reader: copies buffered bytes, or ends the stream, or - when there is nothing
    /// to send yet - suspends its own connection and returns 0 (returning 0 without suspending
    /// would make MHD spin). `write`/`finish`/`close` resume it.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if s.end == .abort {
            return MHD_CONTENT_READER_END_WITH_ERROR
        }
        if s.buffered > 0 {
            var copied = 0
            while copied < capacity, s.head < s.chunks.count {
                let chunk = s.chunks[s.head]
                let offset = s.headOffset
                let count = min(chunk.count - offset, capacity - copied)
                chunk.withUnsafeBytes { source in
                    UnsafeMutableRawPointer(buffer + copied)
                        .copyMemory(from: source.baseAddress! + offset, byteCount: count)
                }
                copied += count
                if offset + count == chunk.count {
                    s.chunks[s.head] = []
                    s.head += 1
                    s.headOffset = 0
                } else {
                    s.headOffset = offset + count
                }
            }
            s.buffered -= copied
            if s.head == s.chunks.count {
                s.chunks.removeAll(keepingCapacity: s.chunks.count <= 64)
                s.head = 0
            } else if s.head >= 64 {
                s.chunks.removeFirst(s.head)
                s.head = 0
            }
            return copied
        }
        if s.end == .drainThenEnd {
            return MHD_CONTENT_READER_END_OF_STREAM
        }
        guard let connection = s.connection else {
            return MHD_CONTENT_READER_END_WITH_ERROR
        }
        MHD_suspend_connection(connection)
        s.readerSuspended = true
        return 0
    }

    private func resumeReaderLocked() {
        if s.readerSuspended, let connection = s.connection {
            s.readerSuspended = false
            MHD_resume_connection(connection)
        }
    }

    /// Marks the stream closed; returns the onClose callback to run once the lock is released.
    private func closeLocked(_ reason: CloseReason, end: End) -> (@Sendable () -> Void)? {
        s.closeReason = reason
        s.end = end
        if end == .abort {
            s.chunks.removeAll()
            s.head = 0
            s.headOffset = 0
            s.buffered = 0
        }
        resumeReaderLocked()
        guard !s.onCloseFired, let callback = s.onClose else { return nil }
        s.onCloseFired = true
        s.onClose = nil
        return callback
    }
}
