import ChargePoint
import DequeModule
import Glibc
import HTTPServer
import OCPP16
import Threads

/// Which way a frame went: `in` from the central system, `out` to it.
public enum FrameDirection: String, Sendable {
    case incoming = "in"
    case outgoing = "out"

    /// The way the frame it answers went.
    var reversed: FrameDirection { self == .incoming ? .outgoing : .incoming }
}

/// Fans engine notifications and OCPP frames out to Server-Sent-Events clients, keeps a bounded backlog
/// so that a client reconnecting with `Last-Event-ID` misses nothing, and keeps the recent frames for
/// `GET /api/v1/messages`.
///
/// Frames are kept raw and only read when someone looks: with nobody watching, logging a frame costs
/// an append. Reading one is where secrets are hidden (`RPCCodec.redactingSecrets`) and where an answer
/// gets the action of the CALL it answers, found among the frames kept. A slow client never blocks a
/// publisher: its stream is bounded and dropped when full.
///
/// `@unchecked Sendable`: all mutable state is guarded by `lock`.
public final class EventHub: @unchecked Sendable {
    struct RawFrame {
        var time: Timestamp
        var direction: FrameDirection
        var text: String
        /// The event id it got, or would have got: frames share the event numbering.
        var id: Int
    }

    static let backlogLimit = 1024
    static let frameLimit = 1000
    /// How far before an answer its CALL is looked for when the answer is streamed.
    static let answerReach = 256
    static let keepaliveInterval: Duration = .seconds(15)

    private let lock = Condition()
    private var lastId: Int
    /// Events other than frames; frames are kept raw in `frames`. Both are rendered only when someone
    /// listens or resumes: with nobody watching, publishing costs an append.
    private var backlog = Deque<(id: Int, event: StreamEvent)>()
    private var frames = Deque<RawFrame>()
    /// The newest id that left `backlog` or `frames`: a client that missed it cannot resume.
    private var forgottenThrough: Int
    private var subscribers: [ObjectIdentifier: HTTPStream] = [:]
    private var keepaliveDue: Duration?
    /// The keepalive thread starts with the first subscriber: a fleet's thousand stations, mostly unwatched,
    /// hold no thread each for it.
    private var keepaliveStarted = false
    let csmsURL: String
    let version: String

    public init(csmsURL: String, version: String) {
        self.csmsURL = csmsURL
        self.version = version
        // Ids continue from the wall clock (µs), so they keep growing across restarts: an id from a
        // previous run is never mistaken for one of this run's backlog.
        lastId = Int(Timestamp.now.millisecondsSince1970) * 1000
        forgottenThrough = lastId
    }

    /// A 1.6 engine's notification; traffic facts reach clients as `frame` events instead.
    public func publish(_ notification: Notification) {
        let (csmsURL, version) = (csmsURL, version)
        switch notification {
        case .station(let snapshot):
            publish(StreamEvent(type: "status") {
                JSONWriter.encode(StationResource(snapshot: snapshot, csmsURL: csmsURL, version: version))
            })
        case .connector(let snapshot):
            publish(StreamEvent(type: "connector") { JSONWriter.encode(ConnectorResource(snapshot: snapshot)) })
        case .meter(let connectorId, let energyWh, let powerW, let time):
            publish(StreamEvent(type: "meter") {
                JSONWriter.encode(MeterResource(connectorId: connectorId, energyWh: energyWh, powerW: powerW, time: time))
            })
        case .transaction(let event, let snapshot):
            publish(StreamEvent(type: "transaction") {
                JSONWriter.encode(
                    TransactionEventResource(event: event.rawValue, transaction: TransactionResource(snapshot: snapshot)))
            })
        case .configuration(let entry):
            publish(StreamEvent(type: "configuration") { JSONWriter.encode(ConfigurationEntryResource(entry)) })
        case .rpc:
            break
        }
    }

    /// Any engine's event: kept for resuming clients, rendered only when someone listens.
    func publish(_ event: StreamEvent) {
        lock.withLock {
            lastId += 1
            backlog.append((lastId, event))
            if backlog.count > Self.backlogLimit, let dropped = backlog.popFirst() {
                forgottenThrough = max(forgottenThrough, dropped.id)
            }
            if !subscribers.isEmpty { write(Self.event(id: lastId, event)) }
        }
    }

    public func frame(_ direction: FrameDirection, _ text: String, at time: Timestamp) {
        lock.withLock {
            lastId += 1
            let frame = RawFrame(time: time, direction: direction, text: text, id: lastId)
            frames.append(frame)
            if frames.count > Self.frameLimit, let dropped = frames.popFirst() {
                forgottenThrough = max(forgottenThrough, dropped.id)
            }
            if !subscribers.isEmpty { write(event(frames.count - 1)) }
        }
    }

    /// The last `limit` frames, oldest first.
    func recentFrames(limit: Int) -> [FrameResource] {
        lock.withLock {
            var calls = CallActions()
            for frame in frames.prefix(max(0, frames.count - limit)) { _ = calls.read(frame) }
            return frames.suffix(limit).map { FrameResource($0, action: calls.read($0)) }
        }
    }

    /// Answers `GET /api/v1/events`: a client that reconnects with Last-Event-ID gets what it missed from
    /// the backlog; anyone else starts from the snapshot `takeSnapshot` hands to its callback.
    func openStream(
        _ request: HTTPRequest, _ responder: HTTPResponder,
        takeSnapshot: (_ start: @escaping @Sendable ([UInt8]) -> Void) -> Void
    ) {
        let stream = HTTPStream()
        let headers = [
            (name: "Content-Type", value: "text/event-stream"), (name: "Cache-Control", value: "no-cache"),
        ]
        if let lastEventId = request.headers["last-event-id"].flatMap({ Int($0) }), resume(stream, after: lastEventId) {
            responder.respondWithStream(status: 200, headers: headers, stream: stream)
            return
        }
        takeSnapshot { [self] snapshot in subscribe(stream, snapshot: snapshot) }
        responder.respondWithStream(status: 200, headers: headers, stream: stream)
    }

    /// Attaches a client that reconnects after `lastEventId`: true if everything it missed is still kept
    /// (it is then written to it, frames and other events in id order), false if it needs a snapshot.
    private func resume(_ stream: HTTPStream, after lastEventId: Int) -> Bool {
        let resumed = lock.withLock {
            guard lastEventId <= lastId, lastEventId >= forgottenThrough else { return false }
            var missed = backlog.filter { $0.id > lastEventId }.map { entry in
                (id: entry.id, bytes: Self.event(id: entry.id, entry.event))
            }
            missed += frames.indices.filter { frames[$0].id > lastEventId }.map { (frames[$0].id, event($0)) }
            for (_, bytes) in missed.sorted(by: { $0.id < $1.id }) { stream.write(bytes) }
            add(stream)
            return true
        }
        if resumed { watchClose(of: stream) }
        return resumed
    }

    /// Attaches a new client with a snapshot taken by the engine under the runtime's lock, where
    /// publications come from, so no change can fall between the snapshot and the events that follow it.
    private func subscribe(_ stream: HTTPStream, snapshot: [UInt8]) {
        lock.withLock {
            stream.write(Self.event(id: lastId, type: "snapshot", body: snapshot))
            add(stream)
        }
        watchClose(of: stream)
    }

    /// Outside the lock: a stream that is already closed calls back at once, and the callback locks.
    private func watchClose(of stream: HTTPStream) {
        let key = ObjectIdentifier(stream)
        stream.onClose = { [weak self] in
            guard let self else { return }
            lock.withLock { _ = subscribers.removeValue(forKey: key) }
        }
    }

    // MARK: - Under the lock

    private func add(_ stream: HTTPStream) {
        if !keepaliveStarted {
            keepaliveStarted = true
            startKeepalive()
        }
        if subscribers.isEmpty { lock.signal() }
        subscribers[ObjectIdentifier(stream)] = stream
    }

    private func write(_ bytes: [UInt8]) {
        for stream in subscribers.values where !stream.write(bytes) {
            subscribers.removeValue(forKey: ObjectIdentifier(stream))
        }
    }

    private static func event(id: Int, _ event: StreamEvent) -> [UInt8] {
        Self.event(id: id, type: event.type, body: event.render())
    }

    /// The event of the frame at `index` in `frames`.
    private func event(_ index: Int) -> [UInt8] {
        let frame = frames[index]
        return Self.event(id: frame.id, type: "frame", body: JSONWriter.encode(FrameResource(frame, action: action(of: index))))
    }

    /// A CALL's action, or for an answer that of the CALL it answers: the nearest CALL before it with its id
    /// that went the other way, within `answerReach` frames. It is usually the frame just before (one CALL
    /// is outstanding each way), so a live event reads two headers, not the log.
    private func action(of index: Int) -> String? {
        let frame = frames[index]
        guard let header = RPCCodec.header(of: frame.text) else { return nil }
        if let action = header.action { return action }
        let callDirection = frame.direction.reversed
        for earlier in stride(from: index - 1, through: max(0, index - Self.answerReach), by: -1)
        where frames[earlier].direction == callDirection {
            if let call = RPCCodec.header(of: frames[earlier].text), call.messageId == header.messageId,
               let action = call.action {
                return action
            }
        }
        return nil
    }

    private static func event(id: Int, type: String, body: [UInt8]) -> [UInt8] {
        Array("id: \(id)\nevent: \(type)\ndata: ".utf8) + body + Array("\n\n".utf8)
    }

    /// SSE comments keep idle streams alive and let the server notice clients that went away.
    private func startKeepalive() {
        if let thread = spawnThread({ self.keepalive() }) { pthread_detach(thread) }
    }

    /// Every 15 s while anyone listens; a new subscriber does not postpone the others' keepalive.
    private func keepalive() {
        let comment = Array(": keepalive\n\n".utf8)
        lock.withLock {
            while true {
                guard !subscribers.isEmpty else {
                    keepaliveDue = nil
                    lock.wait()
                    continue
                }
                let due = keepaliveDue ?? monotonicUptime() + Self.keepaliveInterval
                keepaliveDue = due
                if !lock.wait(untilUptime: due) {
                    keepaliveDue = nil
                    write(comment)
                }
            }
        }
    }
}

/// An event for the stream: its type, and its JSON rendered only when a client needs it.
struct StreamEvent: Sendable {
    let type: String
    let render: @Sendable () -> [UInt8]
}

/// The actions of the CALLs read so far, by direction and message id: the two sides number their CALLs
/// independently, so an answer is matched with a CALL that went the other way.
struct CallActions {
    private var actions: [String: String] = [:]

    /// The frame's action (a CALL's own, an answer's that of its CALL), remembering a CALL's for the
    /// answers that follow; every frame is read once, in order.
    mutating func read(_ frame: EventHub.RawFrame) -> String? {
        guard let header = RPCCodec.header(of: frame.text) else { return nil }
        guard let action = header.action else { return actions[Self.key(frame.direction.reversed, header.messageId)] }
        actions[Self.key(frame.direction, header.messageId)] = action
        return action
    }

    private static func key(_ callDirection: FrameDirection, _ messageId: String) -> String {
        callDirection.rawValue + " " + messageId
    }
}

/// One OCPP frame as the API shows it.
struct FrameResource: Encodable {
    var id: Int
    var time: Timestamp
    var direction: FrameDirection
    var type: String
    var messageId: String?
    var action: String?
    var payload: JSONValue

    init(_ frame: EventHub.RawFrame, action: String?) {
        id = frame.id
        time = frame.time
        direction = frame.direction
        self.action = action
        let text = RPCCodec.redactingBasicAuthPasswords(RPCCodec.redactingSecrets(frame.text))
        switch RPCCodec.decode(text.utf8) {
        case .frame(.call(let messageId, _, let payload)):
            (type, self.messageId, self.payload) = ("CALL", messageId, payload)
        case .frame(.callResult(let messageId, let payload)):
            (type, self.messageId, self.payload) = ("CALLRESULT", messageId, payload)
        case .frame(.callError(let messageId, let code, let description, let details)):
            (type, self.messageId) = ("CALLERROR", messageId)
            payload = .object(["errorCode": .string(code), "errorDescription": .string(description), "errorDetails": details])
        case .malformed, .ignored, .unknownMessageType:
            (type, messageId, payload) = ("INVALID", nil, .string(text))
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, time, direction, type, messageId, action, payload
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(time, forKey: .time)
        try container.encode(direction.rawValue, forKey: .direction)
        try container.encode(type, forKey: .type)
        try container.encode(messageId, forKey: .messageId)
        try container.encode(action, forKey: .action)
        try container.encode(payload, forKey: .payload)
    }
}

struct FrameList: Encodable {
    var messages: [FrameResource]
}

extension EventHub {
    /// The state and the recent frames as JSON documents, for a diagnostics archive.
    public func diagnosticsDocuments(_ snapshot: EngineSnapshot) -> [(name: String, contents: [UInt8])] {
        [
            ("state.json", JSONWriter.encode(SnapshotResource(snapshot, csmsURL: csmsURL, version: version))),
            framesDocument,
        ]
    }

    /// The recent frames as a JSON document, for a diagnostics archive of a station of either version.
    public var framesDocument: (name: String, contents: [UInt8]) {
        ("frames.json", JSONWriter.encode(FrameList(messages: recentFrames(limit: Self.frameLimit))))
    }
}
