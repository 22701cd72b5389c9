import CCurl

/// One short HTTP(S) GET for a health probe (`chargepoint healthcheck`): the status and a small body,
/// whatever the status, without redirects and without proxies (a probe of the local service must not
/// leave the machine because `http_proxy` is set).
public enum HTTPProbe {
    public struct Answer: Sendable, Equatable {
        public var status: Int
        /// The first `maximumBodyBytes` of the body.
        public var body: [UInt8]
    }

    /// How TLS is checked for an `https` URL.
    public enum TLSCheck: Sendable, Equatable {
        /// The server's chain against the system CAs, and the host name.
        case system
        /// The server's certificate must chain to (or be) one in this PEM file; the host name is not
        /// checked. For probing a service by a loopback address with the certificate it was given,
        /// which names the host by which others reach it, not 127.0.0.1.
        case pinned(certificateFile: String)
    }

    public static let maximumBodyBytes = 8192

    /// GETs `url` (http or https) with these extra header lines ("Name: value").
    public static func get(_ url: String, headers: [String] = [], tls: TLSCheck = .system,
                           timeout: Duration = .seconds(5)) throws(TransferError) -> Answer {
        let shown = URLText.redacted(url)
        guard let scheme = URLText.scheme(of: url), scheme == "http" || scheme == "https" else {
            throw TransferError(.unsupportedScheme, "GET \(shown): only http and https can be probed")
        }
        let transfer = try CurlTransfer(direction: .download, url: url,
                                        limits: TransferLimits(connectTimeout: timeout, totalTimeout: timeout,
                                                               maximumDownloadBytes: maximumBodyBytes))
        try transfer.setString(CURLOPT_PROTOCOLS_STR, "http,https")
        try transfer.setLong(CURLOPT_FOLLOWLOCATION, 0)
        try transfer.setLong(CURLOPT_FAILONERROR, 0)
        try transfer.setString(CURLOPT_NOPROXY, "*")
        if case .pinned(let file) = tls {
            // libcurl (OpenSSL) accepts a trust anchor that is not self-signed (partial chains), so the
            // file may hold the served leaf itself. No CA folder: only the file is trusted.
            try transfer.setString(CURLOPT_CAINFO, file)
            try transfer.setPointer(CURLOPT_CAPATH, nil)
            try transfer.setLong(CURLOPT_SSL_VERIFYHOST, 0)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { cp_curl_slist_free_all(list) }
        for header in headers {
            guard let longer = cp_curl_slist_append(list, header) else {
                throw TransferError(.other, "GET \(shown): out of memory for the request headers")
            }
            list = longer
        }
        if let list { try transfer.setPointer(CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list)) }

        let state = TransferState(body: .collect, limit: maximumBodyBytes)
        try transfer.attach(state)
        let outcome = withExtendedLifetime(state) { transfer.perform(cancellation: nil) }
        switch outcome {
        case .cancelled:
            throw TransferError(.cancelled, "GET \(shown) was cancelled")
        case .multiFailed(let code):
            throw TransferError(.other, "GET \(shown) failed: libcurl: \(CurlTransfer.describe(code))")
        case .finished(let code) where code == CURLE_OK || (code == CURLE_WRITE_ERROR && state.exceededLimit):
            return Answer(status: transfer.responseCode, body: state.collected)
        case .finished(let code):
            let detail = URLText.scrub(transfer.detail(for: code), secretsOf: url)
            let kind: TransferError.Kind = code == CURLE_OPERATION_TIMEDOUT ? .timedOut : .connectionFailed
            throw TransferError(kind, "GET \(shown) failed: \(detail)")
        }
    }
}
