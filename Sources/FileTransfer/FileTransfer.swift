import CCurl
import Glibc

/// Blocking file transfers for firmware downloads (UpdateFirmware) and diagnostics/log uploads
/// (GetDiagnostics, GetLog) over FTP, FTPS, HTTP and HTTPS, on libcurl.
///
/// Every call performs exactly one transfer on the calling thread and returns when it is done,
/// failed, timed out (`TransferLimits`) or was cancelled (`TransferCancellation`). Run it on a worker
/// thread, never on an event loop. Retries (OCPP `retries`/`retryInterval`) are the caller's job.
///
/// - TLS certificates are always verified against the system CA store
///   (/etc/ssl/certs/ca-certificates.crt, Debian package `ca-certificates`); there is no opt-out.
/// - Redirects are followed (at most 5, only to ftp/ftps/http/https).
/// - FTP uses passive mode. `ftps://` is implicit FTPS (TLS from the first byte, port 990).
/// - Proxies from the environment (`http_proxy`, `https_proxy`, `no_proxy`, ...) are honoured, as
///   libcurl does by default.
/// - Error messages never contain the URL's user:password or query string.
public enum FileTransfer {
    /// In the order of the OCPP `SupportedFileTransferProtocols` configuration key.
    public static let supportedSchemes: [String] = ["ftp", "ftps", "http", "https"]

    /// Downloads `url` into `path`, returning the number of bytes written.
    ///
    /// The body goes to `path + ".part"`, which is flushed to disk (fsync) and renamed to `path` only
    /// when the transfer succeeded, so a file at `path` is always complete. On failure the `.part`
    /// file is removed and an existing file at `path` is left untouched. An HTTP transfer whose
    /// final status is not 2xx fails with `.httpStatus`.
    public static func download(from url: String, to path: String, limits: TransferLimits = .init(),
                                cancellation: TransferCancellation? = nil) throws(TransferError) -> Int {
        let shown = URLText.redacted(url)
        try validate(url, action: "download")
        guard !path.isEmpty else { throw TransferError(.fileSystem, "download of \(shown) failed: empty target path") }
        if cancellation?.isCancelled == true {
            throw TransferError(.cancelled, "download of \(shown) was cancelled")
        }

        let transfer = try CurlTransfer(direction: .download, url: url, limits: limits)
        try transfer.setOffset(CURLOPT_MAXFILESIZE_LARGE, Int64(max(0, limits.maximumDownloadBytes)))

        let partPath = path + ".part"
        let fd = open(partPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw TransferError(.fileSystem, "download of \(shown) failed: cannot create \(partPath): \(errorText(errno))")
        }
        var keepPart = false
        var fdOpen = true
        defer {
            if fdOpen { close(fd) }
            if !keepPart { unlink(partPath) }
        }

        let state = TransferState(body: .file(fd), limit: max(0, limits.maximumDownloadBytes))
        try transfer.attach(state)
        let outcome = withExtendedLifetime(state) { transfer.perform(cancellation: cancellation) }
        try finish(outcome, transfer, state, limits: limits, action: "download")

        if fsync(fd) != 0 {
            throw TransferError(.fileSystem, "download of \(shown) failed: cannot flush \(partPath): \(errorText(errno))")
        }
        fdOpen = false
        if close(fd) != 0 {
            throw TransferError(.fileSystem, "download of \(shown) failed: cannot close \(partPath): \(errorText(errno))")
        }
        if rename(partPath, path) != 0 {
            throw TransferError(.fileSystem, "download of \(shown) failed: cannot rename \(partPath) to \(path): \(errorText(errno))")
        }
        keepPart = true  // it is `path` now
        syncDirectory(of: path)
        return state.received
    }

    /// Uploads the file at `path` as `directoryURL` + "/" + `fileName` (the name is percent-encoded;
    /// a query string of `directoryURL` stays at the end). HTTP(S) sends a PUT (like `curl -T`) and
    /// any final status other than 2xx fails with `.httpStatus`; FTP(S) sends STOR in passive mode.
    public static func upload(file path: String, to directoryURL: String, as fileName: String,
                              limits: TransferLimits = .init(),
                              cancellation: TransferCancellation? = nil) throws(TransferError) {
        let shownDirectory = URLText.redacted(directoryURL)
        try validate(directoryURL, action: "upload")
        guard let url = URLText.uploadURL(directory: directoryURL, fileName: fileName) else {
            throw TransferError(.invalidURL,
                                "upload to \(shownDirectory) failed: invalid file name \"\(URLText.percentEncoded(fileName))\" (it must be non-empty, not . or .., without / or control characters)")
        }
        let shown = URLText.redacted(url)
        if cancellation?.isCancelled == true {
            throw TransferError(.cancelled, "upload to \(shown) was cancelled")
        }

        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TransferError(.fileSystem, "upload to \(shown) failed: cannot open \(path): \(errorText(errno))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw TransferError(.fileSystem, "upload to \(shown) failed: cannot stat \(path): \(errorText(errno))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw TransferError(.fileSystem, "upload to \(shown) failed: \(path) is not a regular file")
        }

        let transfer = try CurlTransfer(direction: .upload, url: url, limits: limits)
        try transfer.setLong(CURLOPT_UPLOAD, 1)
        try transfer.setOffset(CURLOPT_INFILESIZE_LARGE, Int64(info.st_size))
        let state = TransferState(body: .discard, limit: max(0, limits.maximumDownloadBytes), uploadFD: fd,
                                  uploadSize: Int64(info.st_size))
        try transfer.attach(state)
        let outcome = withExtendedLifetime(state) { transfer.perform(cancellation: cancellation) }
        try finish(outcome, transfer, state, limits: limits, action: "upload")
    }

    /// `url` as it may be logged: "user:password@" becomes "***@", a query string becomes "?***".
    public static func redactedURL(_ url: String) -> String {
        URLText.redacted(url)
    }

    // MARK: - internals

    private static func validate(_ url: String, action: String) throws(TransferError) {
        let shown = URLText.redacted(url)
        let preposition = action == "download" ? "of" : "to"
        guard let scheme = URLText.scheme(of: url) else {
            throw TransferError(.invalidURL, "\(action) \(preposition) \(shown) failed: not an absolute URL (expected scheme://host/path)")
        }
        guard supportedSchemes.contains(scheme) else {
            throw TransferError(.unsupportedScheme,
                                "\(action) \(preposition) \(shown) failed: unsupported scheme \"\(scheme)\" (supported: \(supportedSchemes.joined(separator: ", ")))")
        }
        guard !URLText.hasIllegalCharacters(url) else {
            throw TransferError(.invalidURL, "\(action) \(preposition) \(shown) failed: the URL contains spaces or control characters")
        }
        guard !URLText.split(url).authority.isEmpty else {
            throw TransferError(.invalidURL, "\(action) \(preposition) \(shown) failed: the URL has no host")
        }
    }

    /// Turns the outcome of `perform` into success or a `TransferError`.
    private static func finish(_ outcome: CurlTransfer.Outcome, _ transfer: CurlTransfer, _ state: TransferState,
                               limits: TransferLimits, action: String) throws(TransferError) {
        let url = transfer.url
        let head = action == "download" ? "download of \(URLText.redacted(url))" : "upload to \(URLText.redacted(url))"
        func fail(_ kind: TransferError.Kind, _ why: String) -> TransferError {
            TransferError(kind, "\(head) failed: " + URLText.scrub(why, secretsOf: url))
        }

        let code: CURLcode
        switch outcome {
        case .cancelled:
            throw TransferError(.cancelled, "\(head) was cancelled")
        case .multiFailed(let multiCode):
            throw fail(.other, "libcurl: \(CurlTransfer.describe(multiCode))")
        case .finished(let finished):
            code = finished
        }

        if code == CURLE_OK {
            // FAILONERROR catches >= 400; a final 1xx/3xx (a redirect without Location, too many
            // hops handled below) is no success either.
            if let scheme = transfer.effectiveScheme, scheme == "http" || scheme == "https" {
                let status = transfer.responseCode
                if !(200..<300).contains(status) {
                    throw fail(.httpStatus(status), "HTTP status \(status)")
                }
            }
            return
        }

        let detail = transfer.detail(for: code) + " (curl error \(code.rawValue))"
        switch code {
        case CURLE_HTTP_RETURNED_ERROR:
            let status = transfer.responseCode
            throw fail(.httpStatus(status), "HTTP status \(status)")
        case CURLE_OPERATION_TIMEDOUT:
            throw fail(.timedOut, detail)
        case CURLE_FILESIZE_EXCEEDED:
            throw fail(.tooLarge, "larger than the limit of \(limits.maximumDownloadBytes) bytes: \(detail)")
        case CURLE_WRITE_ERROR where state.exceededLimit:
            let what = action == "download" ? "the file is" : "the server's response is"
            throw fail(.tooLarge, "\(what) larger than the limit of \(limits.maximumDownloadBytes) bytes")
        case CURLE_WRITE_ERROR where state.ioErrno != 0:
            throw fail(.fileSystem, "cannot write the file: \(errorText(state.ioErrno))")
        case CURLE_READ_ERROR, CURLE_ABORTED_BY_CALLBACK:
            if state.ioErrno != 0 { throw fail(.fileSystem, "cannot read the file: \(errorText(state.ioErrno))") }
            throw fail(.other, detail)
        case CURLE_UNSUPPORTED_PROTOCOL:
            throw fail(.unsupportedScheme, detail)
        case CURLE_URL_MALFORMAT:
            throw fail(.invalidURL, detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
             CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_PROXY,
             CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT,
             CURLE_FTP_WEIRD_PASV_REPLY, CURLE_FTP_WEIRD_227_FORMAT,
             CURLE_FTP_CANT_GET_HOST, CURLE_FTP_ACCEPT_FAILED, CURLE_FTP_ACCEPT_TIMEOUT:
            throw fail(.connectionFailed, detail)
        default:
            // FTP refusals (login denied, access denied, file not found, STOR failed), too many
            // redirects, rewind failures, out of memory, ...
            var why = detail
            if let scheme = transfer.effectiveScheme, scheme.hasPrefix("ftp") {
                let reply = transfer.responseCode
                if reply > 0 { why += ", last FTP reply \(reply)" }
            }
            throw fail(.other, why)
        }
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Makes the rename durable (best effort): fsync the directory that holds `path`.
    private static func syncDirectory(of path: String) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
