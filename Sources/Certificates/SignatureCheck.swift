import COpenSSL
import Glibc

/// SHA-256 signature checks for signed firmware (SignedUpdateFirmware) and similar payloads.
///
/// The data is hashed once and the digest verified with `EVP_PKEY_verify`, so a file is read a
/// single time even when RSA needs two attempts (PKCS#1 v1.5, then PSS). Only ECDSA and RSA keys
/// are supported; any other key type never verifies.
public enum SignatureCheck {
    /// Verifies a SHA-256 signature over the bytes of the file at `path`, streamed in 64 KiB chunks
    /// (firmware images can be larger than the memory we want to spend), with the public key of
    /// `certificate`. ECDSA signatures are DER; RSA may be PKCS#1 v1.5 or PSS (any salt length).
    ///
    /// Returns false on a bad signature; throws `.unreadable` only when the file cannot be read.
    public static func verifyFile(at path: String, signature: [UInt8], certificate: Certificate) throws(CertificateError) -> Bool {
        defer { OpenSSL.clearErrors() }
        let digest = try sha256(ofFileAt: path)
        return verify(digest: digest, signature: signature, certificate: certificate)
    }

    /// Verifies a SHA-256 signature over `data`; see `verifyFile(at:signature:certificate:)`.
    public static func verify(_ data: [UInt8], signature: [UInt8], certificate: Certificate) -> Bool {
        defer { OpenSSL.clearErrors() }
        let digest = OpenSSL.hash(.sha256, data)
        return verify(digest: digest, signature: signature, certificate: certificate)
    }

    // MARK: - Internal

    private static let chunkSize = 64 * 1024

    private static func sha256(ofFileAt path: String) throws(CertificateError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard let context = EVP_MD_CTX_new() else { throw .unreadable(path: path, reason: "out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw .unreadable(path: path, reason: "cannot start SHA-256 (\(OpenSSL.drainErrors()))")
        }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            guard buffer.withUnsafeBytes({ EVP_DigestUpdate(context, $0.baseAddress, count) }) == 1 else {
                throw .unreadable(path: path, reason: "cannot hash (\(OpenSSL.drainErrors()))")
            }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard digest.withUnsafeMutableBufferPointer({ EVP_DigestFinal_ex(context, $0.baseAddress, &length) }) == 1 else {
            throw .unreadable(path: path, reason: "cannot finish SHA-256 (\(OpenSSL.drainErrors()))")
        }
        return Array(digest.prefix(Int(length)))
    }

    private static func verify(digest: [UInt8], signature: [UInt8], certificate: Certificate) -> Bool {
        guard !digest.isEmpty, !signature.isEmpty, let x509 = OpenSSL.x509(der: certificate.der) else { return false }
        defer { X509_free(x509) }
        guard let key = X509_get0_pubkey(x509) else { return false }
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_EC:
            return verify(digest, signature, key, padding: nil)
        case EVP_PKEY_RSA:
            return verify(digest, signature, key, padding: RSA_PKCS1_PADDING)
                || verify(digest, signature, key, padding: RSA_PKCS1_PSS_PADDING)
        case EVP_PKEY_RSA_PSS:
            return verify(digest, signature, key, padding: RSA_PKCS1_PSS_PADDING)
        default:
            return false
        }
    }

    /// One EVP_PKEY_verify attempt over a SHA-256 digest; `padding` only for RSA. PSS accepts any
    /// salt length (RSA_PSS_SALTLEN_AUTO), MGF1 with SHA-256.
    private static func verify(_ digest: [UInt8], _ signature: [UInt8], _ key: OpaquePointer, padding: Int32?) -> Bool {
        guard let context = EVP_PKEY_CTX_new(key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1 else {
            return false
        }
        if let padding {
            guard EVP_PKEY_CTX_set_rsa_padding(context, padding) == 1 else { return false }
            if padding == RSA_PKCS1_PSS_PADDING {
                guard EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_AUTO) == 1,
                      EVP_PKEY_CTX_set_rsa_mgf1_md(context, EVP_sha256()) == 1
                else { return false }
            }
        }
        let result = signature.withUnsafeBufferPointer { signatureBytes in
            digest.withUnsafeBufferPointer { digestBytes in
                EVP_PKEY_verify(context, signatureBytes.baseAddress, signatureBytes.count,
                                digestBytes.baseAddress, digestBytes.count)
            }
        }
        OpenSSL.clearErrors()  // a failed attempt leaves errors; the next attempt starts clean
        return result == 1
    }
}
