import CMicroHTTPD
import Glibc

// libmicrohttpd callbacks. They cannot capture, so context travels through MHD's `void *`:
// the server core unretained (it outlives the daemon), per-request state retained in `*con_cls`
// (released in NOTIFY_COMPLETED), streams retained by their response (released in the free callback).

/// MHD_OPTION_EXTERNAL_LOGGER: one swift-log warning per message.
let mhdLogCallback: MHD_LogCallback = { cls, format, arguments in
    guard let cls, let format, let arguments else { return }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    var buffer = [CChar](repeating: 0, count: 1024)
    _ = vsnprintf(&buffer, buffer.count, format, arguments)
    var line = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    line = String(line.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    while line.hasSuffix(" ") { line.removeLast() }
    if !line.isEmpty { core.mhdMessage(line) }
}

/// The access handler, called several times per request:
/// 1. headers only (`*con_cls == NULL`): allocate state; refuse an announced oversize body at once;
/// 2. each body chunk (`*upload_data_size > 0`): buffer it (or discard past the limit), set the size to 0;
/// 3. body complete (`*upload_data_size == 0`): call the handler, then queue its answer or suspend;
/// 4. again after a resume: queue the answer that arrived meanwhile.
let mhdAccessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let uploadSize else { return .NO }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()

    guard let existing = conCls.pointee else {
        let state = RequestState(core: core, connection: connection)
        state.method = method.map { String(cString: $0) } ?? "GET"
        state.path = url.map { String(cString: $0) } ?? "/"
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        if let announced = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") {
            let text = String(cString: announced).trimmingASCIISpaces()
            if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                let length = Int(text) ?? Int.max
                if length > core.maximumBodySize {
                    // Answer before reading the body; MHD then closes the connection after sending.
                    state.phase = .queued
                    return core.queue(HTTPServerCore.bodyTooLargeProblem(limit: core.maximumBodySize),
                                      on: connection, closeConnection: true)
                }
                if length > 0 { state.body.reserveCapacity(length) }
            }
        }
        return .YES
    }

    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
    let chunkSize = uploadSize.pointee
    if chunkSize > 0 {
        uploadSize.pointee = 0
        if state.bodyTooLarge {
            state.discarded += chunkSize
            // Past this, stop reading a runaway chunked upload: drop the connection.
            return state.discarded > core.discardLimit ? .NO : .YES
        }
        if state.body.count + chunkSize > core.maximumBodySize {
            // A chunked upload grew past the limit: stop buffering, read the rest, answer 413 at the end
            // (MHD does not allow queueing a response while body data is being processed).
            state.bodyTooLarge = true
            state.discarded = state.body.count + chunkSize
            state.body = []
            return .YES
        }
        if let uploadData {
            UnsafeRawBufferPointer(start: uploadData, count: chunkSize).withMemoryRebound(to: UInt8.self) {
                state.body.append(contentsOf: $0)
            }
        }
        return .YES
    }

    switch state.phase {
    case .receiving:
        if state.bodyTooLarge {
            state.phase = .queued
            return core.queue(HTTPServerCore.bodyTooLargeProblem(limit: core.maximumBodySize), on: connection)
        }
        let request = HTTPRequest(method: state.method, path: state.path,
                                  query: collectValues(connection, kind: .GET_ARGUMENT_KIND, lowercaseKeys: false),
                                  headers: collectValues(connection, kind: .HEADER_KIND, lowercaseKeys: true),
                                  body: state.body)
        state.body = []
        state.phase = .waiting
        callHandler(core, request, state)
        return state.deliverOrSuspend()
    case .waiting:
        return state.deliverOrSuspend()
    case .queued:
        return .YES
    }
}

/// In its own function so the responder is released (and, if the handler dropped it unanswered,
/// its deinit answers 500) before `deliverOrSuspend` looks for the answer.
@inline(never)
private func callHandler(_ core: HTTPServerCore, _ request: HTTPRequest, _ state: RequestState) {
    core.handler(request, HTTPResponder(request: state))
}

/// MHD_OPTION_NOTIFY_COMPLETED: the request is over (sent, failed, timed out or daemon stopping).
let mhdRequestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    let state = Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue()
    core.requestCompleted(state)
}

/// Content reader of a stream response.
let mhdStreamReader: MHD_ContentReaderCallback = { cls, _, buffer, capacity in
    guard let cls, let buffer else { return MHD_CONTENT_READER_END_WITH_ERROR }
    let stream = Unmanaged<HTTPStream>.fromOpaque(cls).takeUnretainedValue()
    return stream.read(into: buffer, capacity: capacity)
}

/// Free callback of a stream response: MHD destroyed it.
let mhdStreamFree: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    let stream = Unmanaged<HTTPStream>.fromOpaque(cls).takeRetainedValue()
    stream.detach()
}

// MARK: - headers and query arguments

private struct ValueCollector {
    var values: [String: String] = [:]
    var lowercaseKeys: Bool
}

private let mhdCollectValue: MHD_KeyValueIteratorN = { cls, _, key, keySize, value, valueSize in
    guard let cls, let key else { return .YES }
    let collector = cls.assumingMemoryBound(to: ValueCollector.self)
    var name = String(decoding: UnsafeRawBufferPointer(start: key, count: keySize), as: UTF8.self)
    let text = value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: valueSize), as: UTF8.self) } ?? ""
    if collector.pointee.lowercaseKeys {
        name = asciiLowercased(name)
        if let previous = collector.pointee.values[name] {
            collector.pointee.values[name] = previous + ", " + text   // repeated header
            return .YES
        }
    }
    collector.pointee.values[name] = text   // query: the last value wins
    return .YES
}

private func collectValues(_ connection: OpaquePointer, kind: MHD_ValueKind, lowercaseKeys: Bool) -> [String: String] {
    var collector = ValueCollector(lowercaseKeys: lowercaseKeys)
    withUnsafeMutablePointer(to: &collector) { pointer in
        _ = MHD_get_connection_values_n(connection, kind, mhdCollectValue, UnsafeMutableRawPointer(pointer))
    }
    return collector.values
}

extension String {
    func trimmingASCIISpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
