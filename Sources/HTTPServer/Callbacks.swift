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
        if let ambiguity = ambiguousFraming(connection) {
            // RFC 9112 §6.3: the body's end cannot be known, so neither can the next request's start
            // (request smuggling). Answered without reading the body; MHD closes the connection after it.
            state.phase = .queued
            core.requestReceived(on: connection)
            return core.queue(HTTPResponse.problem(status: 400, type: "urn:chargepoint:problem:ambiguous-body-length",
                                                   title: "Bad Request", detail: ambiguity),
                              on: connection, closeConnection: true)
        }
        if let announced = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") {
            let text = String(cString: announced).trimmingASCIISpaces()
            if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                let length = Int(text) ?? Int.max
                if length > core.maximumBodySize {
                    // Answer before reading the body; MHD then closes the connection after sending.
                    state.phase = .queued
                    core.requestReceived(on: connection)
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
            core.requestReceived(on: connection)
            return core.queue(HTTPServerCore.bodyTooLargeProblem(limit: core.maximumBodySize), on: connection)
        }
        let request = HTTPRequest(method: state.method, path: state.path,
                                  query: collectValues(connection, kind: .GET_ARGUMENT_KIND),
                                  headers: collectValues(connection, kind: .HEADER_KIND, only: core.requestHeaders),
                                  body: state.body)
        state.body = []
        state.phase = .waiting
        core.requestReceived(on: connection)
        callHandler(core, request, state)
        return state.deliverOrSuspend()
    case .waiting:
        return state.deliverOrSuspend()
    case .queued:
        return .YES
    }
}

/// Why the body's length cannot be trusted: several Content-Length fields, or one beside Transfer-Encoding.
private func ambiguousFraming(_ connection: OpaquePointer) -> String? {
    var counts = (contentLength: 0, transferEncoding: 0)
    withUnsafeMutablePointer(to: &counts) { pointer in
        _ = MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, _ in
            guard let cls, let key else { return .YES }
            let counts = cls.assumingMemoryBound(to: (contentLength: Int, transferEncoding: Int).self)
            if strcasecmp(key, "Content-Length") == 0 { counts.pointee.contentLength += 1 }
            if strcasecmp(key, "Transfer-Encoding") == 0 { counts.pointee.transferEncoding += 1 }
            return .YES
        }, UnsafeMutableRawPointer(pointer))
    }
    if counts.contentLength > 1 {
        return "The request has \(counts.contentLength) Content-Length header fields; send exactly one."
    }
    if counts.contentLength > 0 && counts.transferEncoding > 0 {
        return "The request has both Content-Length and Transfer-Encoding; send one of them."
    }
    return nil
}

/// In its own function so the responder is released (and, if the handler dropped it unanswered,
/// its deinit answers 500) before `deliverOrSuspend` looks for the answer.
@inline(never)
private func callHandler(_ core: HTTPServerCore, _ request: HTTPRequest, _ state: RequestState) {
    core.handler(request, HTTPResponder(request: state))
}

/// MHD_OPTION_NOTIFY_COMPLETED: the request is over (sent, failed, timed out or daemon stopping).
/// Leaves the URL and query as sent. MHD would decode them in place into C strings, where `%00` cuts the
/// path short and `%2F` becomes a separator before routing; decoding is done in Swift instead, per
/// segment and per argument, where neither can happen.
let mhdKeepEscaped: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<CChar>?) -> Int = {
    _, _, text in
    text.map { strlen($0) } ?? 0
}

let mhdRequestCompleted: MHD_RequestCompletedCallback = { cls, connection, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    if let connection { core.answerSent(on: connection) }
    let state = Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue()
    core.requestCompleted(state)
}

/// MHD_OPTION_NOTIFY_CONNECTION: a connection was accepted or is being cleaned up (its socket still open).
let mhdConnectionNotified: MHD_NotifyConnectionCallback = { cls, connection, _, code in
    guard let cls, let connection else { return }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()
    switch code {
    case .CONNECTION_NOTIFY_STARTED: core.connectionOpened(connection)
    case .CONNECTION_NOTIFY_CLOSED: core.connectionClosed(connection)
    default: break
    }
}

/// The client's IP address as bytes, an IPv4-mapped IPv6 address as its IPv4 address: what connections
/// are counted per address by.
func clientAddressBytes(_ address: UnsafeMutablePointer<sockaddr>) -> [UInt8] {
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
            withUnsafeBytes(of: ipv4.pointee.sin_addr) { Array($0) }
        }
    case AF_INET6:
        let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
            withUnsafeBytes(of: ipv6.pointee.sin6_addr) { Array($0) }
        }
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        return bytes.starts(with: mappedPrefix) ? Array(bytes.suffix(4)) : bytes
    default:
        return []
    }
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
    var decodeArguments: Bool
    /// Lowercased names of the only values to collect; nil for all.
    var wanted: [[UInt8]]?
}

private let mhdCollectValue: MHD_KeyValueIteratorN = { cls, _, key, keySize, value, valueSize in
    guard let cls, let key else { return .YES }
    let collector = cls.assumingMemoryBound(to: ValueCollector.self)
    let rawName = UnsafeRawBufferPointer(start: key, count: keySize)
    if let wanted = collector.pointee.wanted, !wanted.contains(where: { equalIgnoringASCIICase(rawName, $0) }) {
        return .YES
    }
    var name = String(decoding: rawName, as: UTF8.self)
    var text = value.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: valueSize), as: UTF8.self) } ?? ""
    if collector.pointee.decodeArguments {
        // Undecodable arguments are dropped: to the application they were never sent.
        guard let decodedName = percentDecoded(name, plusAsSpace: true),
            let decodedText = percentDecoded(text, plusAsSpace: true)
        else { return .YES }
        (name, text) = (decodedName, decodedText)
    }
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

/// Headers (names lowercased, `only` those when given) or query arguments (decoded).
private func collectValues(_ connection: OpaquePointer, kind: MHD_ValueKind, only wanted: [[UInt8]]? = nil) -> [String: String] {
    let isHeader = kind == .HEADER_KIND
    var collector = ValueCollector(lowercaseKeys: isHeader, decodeArguments: !isHeader, wanted: wanted)
    withUnsafeMutablePointer(to: &collector) { pointer in
        _ = MHD_get_connection_values_n(connection, kind, mhdCollectValue, UnsafeMutableRawPointer(pointer))
    }
    return collector.values
}

/// `name` (as sent) against a lowercased name.
private func equalIgnoringASCIICase(_ name: UnsafeRawBufferPointer, _ lowercased: [UInt8]) -> Bool {
    guard name.count == lowercased.count else { return false }
    for (byte, wanted) in zip(name, lowercased) where (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != wanted {
        return false
    }
    return true
}

extension String {
    /// Without the spaces and tabs (HTTP's optional whitespace) around it; on bytes, as a header check
    /// on every request needs it.
    func trimmingASCIISpaces() -> String {
        String(decoding: utf8TrimmingASCIISpaces, as: UTF8.self)
    }

    var utf8TrimmingASCIISpaces: Substring.UTF8View {
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var bytes = utf8[...]
        while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
        return bytes
    }
}

/// Decodes `%XX` escapes (and `+` as a space in query arguments). nil for a malformed escape, an encoded
/// NUL or bytes that are not UTF-8: such text names nothing the application serves.
public func percentDecoded(_ text: String, plusAsSpace: Bool = false) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var iterator = text.utf8.makeIterator()
    func hexValue(_ byte: UInt8?) -> UInt8? {
        switch byte {
        case let digit? where digit >= 0x30 && digit <= 0x39: digit - 0x30
        case let letter? where letter >= 0x41 && letter <= 0x46: letter - 0x41 + 10
        case let letter? where letter >= 0x61 && letter <= 0x66: letter - 0x61 + 10
        default: nil
        }
    }
    while let byte = iterator.next() {
        switch byte {
        case UInt8(ascii: "%"):
            guard let high = hexValue(iterator.next()), let low = hexValue(iterator.next()) else { return nil }
            let decoded = high << 4 | low
            guard decoded != 0 else { return nil }
            bytes.append(decoded)
        case UInt8(ascii: "+") where plusAsSpace:
            bytes.append(0x20)
        default:
            bytes.append(byte)
        }
    }
    return String(validating: bytes, as: UTF8.self)
}
