import COpenSSL

/// A private key as unencrypted PKCS#8 PEM: the charge point's own key for its client certificate
/// (security profile 3), kept as text so it can be stored like any other setting.
public struct PrivateKey: Sendable {
    /// PKCS#8 unencrypted PEM ("-----BEGIN PRIVATE KEY-----").
    public let pem: String

    /// A new EC key on P-256 (prime256v1), the curve every OCPP 1.6 security profile 3 CSMS accepts
    /// and the cheapest to use on a charge point's CPU.
    public static func generateP256() throws(CertificateError) -> PrivateKey {
        defer { OpenSSL.clearErrors() }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .keyGeneration("no EC support in OpenSSL (\(OpenSSL.drainErrors()))")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &key) == 1, let key
        else { throw .keyGeneration("P-256 key generation failed (\(OpenSSL.drainErrors()))") }
        defer { EVP_PKEY_free(key) }
        guard let pem = pkcs8(key) else {
            throw .keyGeneration("cannot encode the key as PKCS#8 (\(OpenSSL.drainErrors()))")
        }
        return PrivateKey(checkedPEM: pem)
    }

    /// Reads an unencrypted PEM private key (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE
    /// KEY") and keeps it as PKCS#8. Encrypted keys are rejected: there is nobody to ask for a
    /// password, and OpenSSL would otherwise prompt on the terminal.
    public init(pem: String) throws(CertificateError) {
        defer { OpenSSL.clearErrors() }
        guard let key = Self.load(pem: pem) else {
            throw .malformed("private key: not an unencrypted PEM private key (\(OpenSSL.drainErrors()))")
        }
        defer { EVP_PKEY_free(key) }
        guard let normalized = Self.pkcs8(key) else {
            throw .malformed("private key: cannot encode as PKCS#8 (\(OpenSSL.drainErrors()))")
        }
        self.pem = normalized
    }

    private init(checkedPEM: String) {
        pem = checkedPEM
    }

    /// A PKCS#10 certificate signing request in PEM ("-----BEGIN CERTIFICATE REQUEST-----") for
    /// SignCertificate: subject CN=commonName, O=organization (in that order), this key's public
    /// half, signed with SHA-256. Both names must be 1...64 characters (X.520 upper bounds).
    public func certificateSigningRequest(commonName: String, organization: String) throws(CertificateError) -> String {
        defer { OpenSSL.clearErrors() }
        guard !commonName.isEmpty else { throw .signingRequest("the common name is empty") }
        guard !organization.isEmpty else { throw .signingRequest("the organization is empty") }
        guard let key = Self.load(pem: pem) else {
            throw .signingRequest("the private key does not load (\(OpenSSL.drainErrors()))")
        }
        defer { EVP_PKEY_free(key) }
        guard let request = X509_REQ_new() else { throw .signingRequest("out of memory") }
        defer { X509_REQ_free(request) }
        guard let name = X509_NAME_new() else { throw .signingRequest("out of memory") }
        defer { X509_NAME_free(name) }

        for (nid, field, value) in [(NID_commonName, "common name", commonName),
                                    (NID_organizationName, "organization", organization)] {
            let added = Array(value.utf8).withUnsafeBufferPointer {
                X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, $0.baseAddress, Int32($0.count), -1, 0)
            }
            guard added == 1 else {
                throw .signingRequest("the \(field) is not accepted (\(OpenSSL.drainErrors()))")
            }
        }
        guard X509_REQ_set_version(request, Int(X509_REQ_VERSION_1)) == 1,
              X509_REQ_set_subject_name(request, name) == 1,
              X509_REQ_set_pubkey(request, key) == 1
        else { throw .signingRequest("cannot fill in the request (\(OpenSSL.drainErrors()))") }
        guard X509_REQ_sign(request, key, EVP_sha256()) > 0 else {
            throw .signingRequest("signing failed (\(OpenSSL.drainErrors()))")
        }
        guard let bytes = OpenSSL.writtenBytes({ PEM_write_bio_X509_REQ($0, request) == 1 }) else {
            throw .signingRequest("cannot encode the request as PEM (\(OpenSSL.drainErrors()))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Internal

    /// Parses an unencrypted PEM private key into an `EVP_PKEY` the caller frees; nil if it does not
    /// parse. The password callback refuses, so an encrypted key fails instead of prompting.
    static func load(pem: String) -> OpaquePointer? {
        let key = OpenSSL.withReadBIO(Array(pem.utf8)) { bio in
            PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        return key ?? nil
    }

    /// Unencrypted PKCS#8 PEM of `key` (PEM_write_bio_PrivateKey writes PKCS#8 since OpenSSL 1.0).
    private static func pkcs8(_ key: OpaquePointer) -> String? {
        OpenSSL.writtenBytes { bio in PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 }
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
