import COpenSSL

/// One "-----BEGIN label-----" block of a PEM text, base64-decoded.
struct PEMBlock {
    let label: String
    let bytes: [UInt8]

    /// Every block of `text` in order; text outside blocks is skipped. Throws if a block is broken
    /// (bad base64, no END line).
    static func all(in text: String) throws(CertificateError) -> [PEMBlock] {
        let result = OpenSSL.withReadBIO(Array(text.utf8)) { bio in readAll(from: bio) }
        guard let result else { throw .malformed("cannot allocate a memory BIO") }
        return try result.get()
    }

    private static func readAll(from bio: OpaquePointer) -> Result<[PEMBlock], CertificateError> {
        var blocks: [PEMBlock] = []
        while true {
            var label: UnsafeMutablePointer<CChar>?
            var header: UnsafeMutablePointer<CChar>?
            var data: UnsafeMutablePointer<UInt8>?
            var length = 0
            let ok = PEM_read_bio(bio, &label, &header, &data, &length)
            defer {
                cp_openssl_free(label)
                cp_openssl_free(header)
                cp_openssl_free(data)
            }
            guard ok == 1 else {
                // "no start line" is how PEM_read_bio reports the end of the text.
                if ERR_GET_REASON(ERR_peek_last_error()) == PEM_R_NO_START_LINE {
                    OpenSSL.clearErrors()
                    return .success(blocks)
                }
                return .failure(.malformed("PEM block \(blocks.count + 1) is broken (\(OpenSSL.drainErrors()))"))
            }
            let bytes = length > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: length)) : []
            blocks.append(PEMBlock(label: label.map { String(cString: $0) } ?? "", bytes: bytes))
        }
    }
}
