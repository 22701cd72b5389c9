import COpenSSL
import Glibc

/// Certificate chain verification against a set of trusted roots (the installed
/// CentralSystemRootCertificate / ManufacturerRootCertificate).
public enum TrustStore {
    /// Verifies `chain` (leaf first, then any intermediates) up to one of `roots` at `unixSeconds`.
    ///
    /// The time is explicit because a charge point's clock is only trustworthy after the Central
    /// System set it, and tests need to verify at fixed instants. Intermediates are untrusted: only
    /// `roots` anchor a chain, and a chain that ends at an intermediate is rejected (no partial
    /// chains), so installing an intermediate never makes it a trust anchor. Purposes (key usage
    /// for TLS or code signing) are not checked here.
    ///
    /// OpenSSL counts a certificate as expired from its notAfter second on, one second earlier than
    /// `Certificate.isValid(at:)` (RFC 5280's inclusive period); notBefore is inclusive in both.
    ///
    /// Throws `.untrusted(reason:)` with OpenSSL's verify error string, e.g. "certificate has
    /// expired", "unable to get local issuer certificate".
    public static func verify(_ chain: [Certificate], roots: [Certificate], at unixSeconds: Int64) throws(CertificateError) {
        defer { OpenSSL.clearErrors() }
        guard let leafCertificate = chain.first else { throw .untrusted(reason: "no certificate to verify") }
        guard let store = X509_STORE_new() else { throw .untrusted(reason: "out of memory") }
        defer { X509_STORE_free(store) }
        for root in roots {
            guard let x509 = OpenSSL.x509(der: root.der) else { throw .malformed("trusted root \(root.subject)") }
            defer { X509_free(x509) }  // the store keeps its own reference
            guard X509_STORE_add_cert(store, x509) == 1 else {
                // Adding the same root twice is harmless; anything else is not.
                if ERR_GET_REASON(ERR_peek_last_error()) == X509_R_CERT_ALREADY_IN_HASH_TABLE { continue }
                throw .untrusted(reason: "cannot add root \(root.subject) (\(OpenSSL.drainErrors()))")
            }
        }

        guard let untrusted = cp_sk_X509_new_null() else { throw .untrusted(reason: "out of memory") }
        defer { cp_sk_X509_free_all(untrusted) }
        for intermediate in chain.dropFirst() {
            guard let x509 = OpenSSL.x509(der: intermediate.der) else {
                throw .malformed("intermediate certificate \(intermediate.subject)")
            }
            guard cp_sk_X509_push(untrusted, x509) > 0 else {
                X509_free(x509)
                throw .untrusted(reason: "out of memory")
            }
        }

        guard let leaf = OpenSSL.x509(der: leafCertificate.der) else { throw .malformed("certificate \(leafCertificate.subject)") }
        defer { X509_free(leaf) }
        guard let context = X509_STORE_CTX_new() else { throw .untrusted(reason: "out of memory") }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf, untrusted) == 1 else {
            throw .untrusted(reason: "cannot set up verification (\(OpenSSL.drainErrors()))")
        }
        // Also sets X509_V_FLAG_USE_CHECK_TIME; X509_V_FLAG_PARTIAL_CHAIN stays off.
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context), time_t(unixSeconds))

        guard X509_verify_cert(context) == 1 else {
            let code = X509_STORE_CTX_get_error(context)
            let reason = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
            throw .untrusted(reason: reason)
        }
    }
}
