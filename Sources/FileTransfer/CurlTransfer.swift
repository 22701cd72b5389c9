import CCurl
import Glibc

/// `curl_global_init` exactly once per process (a Swift static `let` is initialised thread-safely).
/// Never cleaned up: `curl_global_cleanup` is not thread-safe and the process keeps using curl.
enum CurlGlobal {
    static let initResult: CURLcode = cp_curl_global_init(cp_curl_global_default())
}

/// State shared with libcurl's callbacks for one transfer. Touched only by the thread that runs the
/// transfer (libcurl calls the callbacks from inside `curl_multi_perform`).
final class TransferState {
    enum Body {
        /// Write the response body to this file descriptor.
        case file(Int32)
        /// Discard the response body (upload responses).
        case discard
        /// Keep the response body in `collected` (short answers such as a health probe's).
        case collect
    }

    let body: Body
    let limit: Int
    /// The file read by an upload (-1 for downloads).
    let uploadFD: Int32
    /// The size announced for the upload (Content-Length / the FTP transfer). Reads stop there, so a
    /// file that grows meanwhile (a live log) cannot send more than announced.
    let uploadSize: Int64
    var uploadRemaining: Int64
    var received = 0
    /// The body so far, for `.collect`.
    var collected: [UInt8] = []
    var exceededLimit = false
    /// errno of a failed local read/write/seek; 0 if none.
    var ioErrno: Int32 = 0

    init(body: Body, limit: Int, uploadFD: Int32 = -1, uploadSize: Int64 = 0) {
        self.body = body
        self.limit = limit
        self.uploadFD = uploadFD
        self.uploadSize = uploadSize
        uploadRemaining = uploadSize
    }
}

// libcurl callbacks: global `@convention(c)` lets (no captures); the state comes back through the
// pointer given as CURLOPT_WRITEDATA / READDATA / SEEKDATA (an unretained `TransferState`, kept
// alive by the caller for the whole transfer).

let transferWriteCallback: curl_write_callback = { data, size, count, userdata in
    let state = Unmanaged<TransferState>.fromOpaque(userdata!).takeUnretainedValue()
    let total = size * count
    if total == 0 { return 0 }
    if total > state.limit - state.received {
        state.exceededLimit = true
        return 0  // any short count makes libcurl stop with CURLE_WRITE_ERROR
    }
    switch state.body {
    case .discard:
        break
    case .collect:
        state.collected += UnsafeRawBufferPointer(start: data, count: total)
    case .file(let fd):
        var offset = 0
        while offset < total {
            let written = write(fd, data! + offset, total - offset)
            if written < 0 {
                if errno == EINTR { continue }
                state.ioErrno = errno
                return 0
            }
            offset += written
        }
    }
    state.received += total
    return total
}

let transferReadCallback: curl_read_callback = { buffer, size, count, userdata in
    let state = Unmanaged<TransferState>.fromOpaque(userdata!).takeUnretainedValue()
    let wanted = Int(min(Int64(size * count), max(0, state.uploadRemaining)))
    if wanted == 0 { return 0 }
    while true {
        let got = read(state.uploadFD, buffer, wanted)
        if got >= 0 {
            state.uploadRemaining -= Int64(got)
            return got
        }
        if errno == EINTR { continue }
        state.ioErrno = errno
        return cp_curl_readfunc_abort()
    }
}

/// Lets libcurl rewind the upload, which it needs to resend a PUT after a 307/308 redirect.
let transferSeekCallback: curl_seek_callback = { userdata, offset, origin in
    let state = Unmanaged<TransferState>.fromOpaque(userdata!).takeUnretainedValue()
    let position = lseek(state.uploadFD, off_t(offset), origin)
    if position < 0 { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    state.uploadRemaining = state.uploadSize - Int64(position)
    return Int32(CURL_SEEKFUNC_OK)
}

/// One libcurl easy handle, configured for a single transfer and driven by a private multi handle
/// so that cancellation is polled every 100 ms even while nothing happens on the wire.
final class CurlTransfer {
    enum Direction { case download, upload }

    static let protocols = "ftp,ftps,http,https"
    static let maximumRedirects = 5
    static let pollMilliseconds: Int32 = 100

    let direction: Direction
    let url: String
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let errorBufferSize = Int(cp_curl_error_size())

    init(direction: Direction, url: String, limits: TransferLimits) throws(TransferError) {
        self.direction = direction
        self.url = url
        let global = CurlGlobal.initResult
        guard global == CURLE_OK else {
            throw TransferError(.other, "libcurl could not be initialised: \(CurlTransfer.describe(global))")
        }
        guard let easy = cp_curl_easy_init() else {
            throw TransferError(.other, "libcurl could not create a transfer handle")
        }
        handle = easy
        errorBuffer = .allocate(capacity: errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: errorBufferSize)

        try setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        try setString(CURLOPT_URL, url)
        try setString(CURLOPT_PROTOCOLS_STR, CurlTransfer.protocols)
        try setString(CURLOPT_REDIR_PROTOCOLS_STR, CurlTransfer.protocols)
        try setLong(CURLOPT_FOLLOWLOCATION, 1)
        try setLong(CURLOPT_MAXREDIRS, CurlTransfer.maximumRedirects)
        // Signals are process-wide; with several threads libcurl must not use SIGALRM for DNS timeouts.
        try setLong(CURLOPT_NOSIGNAL, 1)
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, CurlTransfer.milliseconds(limits.connectTimeout))
        try setLong(CURLOPT_TIMEOUT_MS, CurlTransfer.milliseconds(limits.totalTimeout))
        // HTTP status >= 400 ends the transfer with CURLE_HTTP_RETURNED_ERROR (no error page saved).
        try setLong(CURLOPT_FAILONERROR, 1)
        // These are libcurl's defaults; set anyway so nobody "fixes" TLS by flipping them.
        try setLong(CURLOPT_SSL_VERIFYPEER, 1)
        try setLong(CURLOPT_SSL_VERIFYHOST, 2)
        // FTP: passive mode (EPSV, falling back to PASV) is libcurl's default as long as
        // CURLOPT_FTPPORT is not set; the PASV address is ignored in favour of the control
        // connection's (CURLOPT_FTP_SKIP_PASV_IP, default on), which survives NAT.
        try setLong(CURLOPT_FTP_USE_EPSV, 1)
        // Bytes must arrive exactly as stored: no Accept-Encoding, so no transparent decompression.
    }

    deinit {
        cp_curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    // MARK: options

    func setLong(_ option: CURLoption, _ value: Int) throws(TransferError) {
        try check(cp_curl_setopt_long(handle, option, value), option)
    }

    func setOffset(_ option: CURLoption, _ value: Int64) throws(TransferError) {
        try check(cp_curl_setopt_off_t(handle, option, curl_off_t(value)), option)
    }

    func setString(_ option: CURLoption, _ value: String) throws(TransferError) {
        try check(cp_curl_setopt_string(handle, option, value), option)  // libcurl copies it
    }

    func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(TransferError) {
        try check(cp_curl_setopt_pointer(handle, option, value), option)
    }

    /// Installs the callbacks that `state` serves. The caller keeps `state` alive until `perform`
    /// returns.
    func attach(_ state: TransferState) throws(TransferError) {
        let context = Unmanaged.passUnretained(state).toOpaque()
        try check(cp_curl_setopt_write_function(handle, transferWriteCallback), CURLOPT_WRITEFUNCTION)
        try setPointer(CURLOPT_WRITEDATA, context)
        if state.uploadFD >= 0 {
            try check(cp_curl_setopt_read_function(handle, transferReadCallback), CURLOPT_READFUNCTION)
            try setPointer(CURLOPT_READDATA, context)
            try check(cp_curl_setopt_seek_function(handle, transferSeekCallback), CURLOPT_SEEKFUNCTION)
            try setPointer(CURLOPT_SEEKDATA, context)
        }
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(TransferError) {
        guard code == CURLE_OK else {
            throw TransferError(.other, "libcurl refused option \(option.rawValue): \(CurlTransfer.describe(code))")
        }
    }

    // MARK: running

    enum Outcome {
        case finished(CURLcode)
        case cancelled
        case multiFailed(CURLMcode)
    }

    /// Runs the transfer to its end, checking `cancellation` before every step.
    func perform(cancellation: TransferCancellation?) -> Outcome {
        guard let multi = cp_curl_multi_init() else { return .multiFailed(CURLM_OUT_OF_MEMORY) }
        defer { cp_curl_multi_cleanup(multi) }
        let added = cp_curl_multi_add_handle(multi, handle)
        guard added == CURLM_OK else { return .multiFailed(added) }
        defer { cp_curl_multi_remove_handle(multi, handle) }

        var running: Int32 = 1
        while true {
            if cancellation?.isCancelled == true { return .cancelled }
            let performed = cp_curl_multi_perform(multi, &running)
            guard performed == CURLM_OK else { return .multiFailed(performed) }
            if running == 0 { break }
            // Sleeps until a socket is ready, libcurl's next timeout, or 100 ms (for cancellation).
            let polled = cp_curl_multi_poll(multi, nil, 0, CurlTransfer.pollMilliseconds, nil)
            guard polled == CURLM_OK else { return .multiFailed(polled) }
        }
        var queued: Int32 = 0
        while let message = cp_curl_multi_info_read(multi, &queued) {
            if message.pointee.msg == CURLMSG_DONE {
                return .finished(message.pointee.data.result)
            }
        }
        return .multiFailed(CURLM_INTERNAL_ERROR)
    }

    // MARK: information

    var responseCode: Int {
        var code = 0
        return cp_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK ? code : 0
    }

    /// The scheme of the last URL used (after redirects), lowercased: "http", "ftp", ...
    var effectiveScheme: String? {
        var value: UnsafePointer<CChar>?
        guard cp_curl_getinfo_string(handle, CURLINFO_SCHEME, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value).lowercased()
    }

    /// libcurl's detailed message for the last failure, or its generic text for `code`.
    func detail(for code: CURLcode) -> String {
        errorBuffer[errorBufferSize - 1] = 0
        let specific = String(cString: errorBuffer)
        return specific.isEmpty ? CurlTransfer.describe(code) : specific
    }

    // MARK: helpers

    static func describe(_ code: CURLcode) -> String {
        String(cString: cp_curl_easy_strerror(code)) + " (curl error \(code.rawValue))"
    }

    static func describe(_ code: CURLMcode) -> String {
        String(cString: cp_curl_multi_strerror(code)) + " (curl multi error \(code.rawValue))"
    }

    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no timeout").
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 1 }
        let (wholeMs, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        return max(1, Int(clamping: wholeMs + attoseconds / 1_000_000_000_000_000))
    }
}
