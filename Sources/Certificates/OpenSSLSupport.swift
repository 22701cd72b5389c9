import COpenSSL

/// Small helpers shared by the OpenSSL-backed types.
///
/// Error queue policy: OpenSSL reports errors through a thread-local queue that libwebsockets (on
/// the same thread) also reads after its own TLS calls. Every public entry point of this module
/// therefore leaves the queue empty, on success as on failure (`OpenSSL.clearErrors()` in a
/// `defer`), so a stale error of ours can never be blamed on somebody else's TLS connection.
enum OpenSSL {
    /// Drains the thread's error queue into one line ("error:...; error:..."), oldest first;
    /// "no details" when the queue was empty.
    static func drainErrors() -> String {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            texts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return texts.isEmpty ? "no details" : texts.joined(separator: "; ")
    }

    static func clearErrors() {
        ERR_clear_error()
    }

    /// A read-only memory BIO over `bytes` for the duration of `body`; nil if OpenSSL cannot make
    /// one (out of memory, more than 2 GiB).
    static func withReadBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> T) -> T? {
        guard bytes.count <= Int(Int32.max) else { return nil }
        return bytes.withUnsafeBytes { raw in
            // BIO_new_mem_buf needs a non-null pointer even for zero bytes.
            let empty: UInt8 = 0
            return withUnsafePointer(to: empty) { fallback in
                let base = raw.baseAddress ?? UnsafeRawPointer(fallback)
                guard let bio = BIO_new_mem_buf(base, Int32(raw.count)) else { return nil }
                defer { BIO_free(bio) }
                return body(bio)
            }
        }
    }

    /// Runs `write` on a fresh memory BIO and returns what it wrote; nil if it returned false.
    static func writtenBytes(_ write: (OpaquePointer) -> Bool) -> [UInt8]? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard write(bio) else { return nil }
        var data: UnsafeMutablePointer<CChar>?
        let count = cp_bio_get_mem_data(bio, &data)
        guard count > 0, let data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }

    /// Parses DER into an `X509` the caller must free; nil (with the error queue filled) if it does
    /// not parse or has trailing bytes.
    static func x509(der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let x509 = d2i_X509(nil, &cursor, buffer.count) else { return nil }
            guard let cursor, cursor - base == buffer.count else {
                X509_free(x509)
                return nil
            }
            return x509
        }
    }

    /// Copies a C string that OpenSSL allocated and frees it.
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { cp_openssl_free(pointer) }
        return String(cString: pointer)
    }

    /// The message digest for `algorithm` (OpenSSL's built-in, never freed).
    static func digest(_ algorithm: HashAlgorithm) -> OpaquePointer {
        switch algorithm {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }

    /// The digest of `bytes`; empty only if OpenSSL fails (out of memory).
    static func hash(_ algorithm: HashAlgorithm, _ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(raw.baseAddress, raw.count, out.baseAddress, &length, digest(algorithm), nil)
            }
        }
        guard ok == 1 else {
            clearErrors()
            return []
        }
        return Array(output.prefix(Int(length)))
    }
}

/// Lowercase hex, two digits a byte.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
}
