import Threads
import CMicroHTTPD
import Logging

/// Answers one request exactly once, from any thread, now or later.
///
/// While no answer exists the server suspends the connection (no thread, no CPU, no timeout) and
/// resumes it when `respond` is called. Later calls are ignored (a second answer from the application
/// is logged as a warning). If the last reference to a responder goes away without an answer, the
/// client gets a 500 problem document, so a lost responder cannot leak a connection.
public final class HTTPResponder: Sendable {
    private enum Target: Sendable {
        case request(RequestState)
        case callback(CallbackTarget)
    }

    private let target: Target

    init(request: RequestState) {
        target = .request(request)
    }

    /// A responder that is not bound to a connection: the first answer is handed to `onAnswer`
    /// (on the answering thread). For tests and adapters of code written against `HTTPResponder`.
    public init(onAnswer: @escaping @Sendable (HTTPAnswer) -> Void) {
        target = .callback(CallbackTarget(onAnswer))
    }

    deinit {
        switch target {
        case .request(let request):
            if request.answerIfUnanswered(.response(HTTPServerCore.noResponseProblem), bySystem: true) == .accepted {
                request.core.logger.error("HTTP handler dropped its responder without answering; sent 500",
                                          metadata: ["method": "\(request.method)", "path": "\(request.path)"])
            }
        case .callback:
            break
        }
    }

    /// Sends a complete response. Only the first answer counts.
    public func respond(_ response: HTTPResponse) {
        answer(.response(response))
    }

    /// Answers with a streaming body (chunked; e.g. `text/event-stream`). Only the first answer
    /// counts; a stream that is not used because of that is closed with `.notAttached`.
    public func respondWithStream(status: Int, headers: [(name: String, value: String)] = [], stream: HTTPStream) {
        answer(.stream(status: status, headers: headers, stream: stream))
    }

    /// True once an answer was given (or the request is gone).
    public var hasResponded: Bool {
        switch target {
        case .request(let request): return request.isAnswered
        case .callback(let callback): return callback.isAnswered
        }
    }

    private func answer(_ answer: HTTPAnswer) {
        switch target {
        case .request(let request):
            if request.answerIfUnanswered(answer) == .alreadyAnswered {
                request.core.logger.warning("HTTP request answered twice; the later answer is ignored",
                                            metadata: ["method": "\(request.method)", "path": "\(request.path)"])
            }
        case .callback(let callback):
            if !callback.deliver(answer), case .stream(_, _, let stream) = answer {
                stream.close(.notAttached)
            }
        }
    }
}

final class CallbackTarget: @unchecked Sendable {  // `answered` guarded by `lock`; `onAnswer` immutable
    private let lock = Lock()
    private var answered = false
    private let onAnswer: @Sendable (HTTPAnswer) -> Void

    init(_ onAnswer: @escaping @Sendable (HTTPAnswer) -> Void) {
        self.onAnswer = onAnswer
    }

    var isAnswered: Bool { lock.withLock { answered } }

    func deliver(_ answer: HTTPAnswer) -> Bool {
        let first = lock.withLock { () -> Bool in
            if answered { return false }
            answered = true
            return true
        }
        if first { onAnswer(answer) }
        return first
    }
}

/// Per-request state, retained in MHD's `*con_cls` from the first access-handler call until
/// NOTIFY_COMPLETED, and by the request's `HTTPResponder`.
///
/// Threading: the body fields (`phase`, `body`, `bodyTooLarge`, `discarded`) are touched only by the
/// access handler, which MHD runs for one connection on one thread at a time. Everything else is
/// guarded by `lock`; suspend and resume of `connection` both happen with `lock` held, so a resume
/// can never overtake its suspend. `registeredLive` is guarded by the core's lock.
final class RequestState: @unchecked Sendable {  // see the threading note above
    enum Phase {
        case receiving       // headers seen, body arriving
        case waiting         // handler called, answer pending (possibly suspended)
        case queued          // a response was queued; MHD will not call the handler for it again
    }

    let core: HTTPServerCore
    let connection: OpaquePointer
    let lock = Lock()

    // MHD-thread-only
    var phase: Phase = .receiving
    var body: [UInt8] = []
    var bodyTooLarge = false
    var discarded = 0
    var method = ""
    var path = ""

    // guarded by `lock`
    private var answer: HTTPAnswer?
    private var answered = false
    private var answeredBySystem = false
    private var suspended = false
    private var completed = false
    private var stream: HTTPStream?

    // guarded by core.lock
    var registeredLive = false

    init(core: HTTPServerCore, connection: OpaquePointer) {
        self.core = core
        self.connection = connection
        core.requestStatesAlive.add(1, ordering: .relaxed)
    }

    deinit {
        core.requestStatesAlive.subtract(1, ordering: .relaxed)
    }

    var isAnswered: Bool { lock.withLock { answered || completed } }

    enum AnswerOutcome {
        case accepted
        /// The application answered before: a programming error worth a warning.
        case alreadyAnswered
        /// The request is over (connection ended) or the server answered it (503 while stopping).
        case requestGone
    }

    /// Stores the first answer and resumes the connection if it is suspended. Any thread.
    /// A stream that is not used is closed.
    func answerIfUnanswered(_ newAnswer: HTTPAnswer, bySystem: Bool = false) -> AnswerOutcome {
        lock.lock()
        if answered || completed {
            let outcome: AnswerOutcome = (completed || answeredBySystem) ? .requestGone : .alreadyAnswered
            lock.unlock()
            if case .stream(_, _, let stream) = newAnswer {
                stream.close(outcome == .requestGone ? .clientGone : .notAttached)
            }
            return outcome
        }
        answered = true
        answeredBySystem = bySystem
        answer = newAnswer
        if suspended {
            suspended = false
            MHD_resume_connection(connection)
        }
        lock.unlock()
        return .accepted
    }

    /// MHD thread, final access-handler call (also after a resume): queue the answer if there is
    /// one, otherwise suspend until there is one.
    func deliverOrSuspend() -> MHD_Result {
        lock.lock()
        if let ready = answer {
            answer = nil
            lock.unlock()
            phase = .queued
            return core.queue(ready, for: self)
        }
        if core.registerLive(self) {
            MHD_suspend_connection(connection)
            suspended = true
            lock.unlock()
            return .YES
        }
        // The server is stopping: do not park the connection.
        answered = true
        answeredBySystem = true
        lock.unlock()
        phase = .queued
        return core.queue(.response(HTTPServerCore.stoppingProblem), for: self, closeConnection: true)
    }

    /// Remembers the stream attached to this request so `stop()` can end it.
    func setStream(_ newStream: HTTPStream) {
        lock.withLock { stream = newStream }
    }

    /// NOTIFY_COMPLETED: the connection will never be touched through this state again.
    func markCompleted() {
        lock.withLock {
            completed = true
            suspended = false
            answer = nil
            stream = nil
        }
    }

    /// `stop()`: end a stream, or answer a waiting request with 503 (resuming it).
    func shutDown() {
        let activeStream = lock.withLock { stream }
        if let activeStream {
            activeStream.closeForShutdown()
        } else {
            _ = answerIfUnanswered(.response(HTTPServerCore.stoppingProblem), bySystem: true)
        }
    }
}
