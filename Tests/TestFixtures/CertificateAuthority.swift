/// Issuing throw-away certificates with `openssl ca` inside a `TemporaryDirectory`: fixed validity
/// periods (`-startdate/-enddate`), so dates and verification instants are exact and independent of the
/// clock. Files are named `<name>.key`, `<name>.csr` and `<name>.pem`.
extension TemporaryDirectory {
    /// The `openssl ca` configuration (`ca.cnf`) with the extension sections `v3_ca` and `v3_leaf`.
    public func prepareCertificateAuthority() throws {
        let dir = path
        try write("index.txt", "")
        try write("ca.cnf", """
            [ ca ]
            default_ca = test_ca
            [ test_ca ]
            database = \(dir)/index.txt
            new_certs_dir = \(dir)
            serial = \(dir)/serial
            default_md = sha256
            policy = any_policy
            unique_subject = no
            email_in_dn = no
            [ any_policy ]
            commonName = supplied
            organizationName = optional
            [ v3_ca ]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [ v3_leaf ]
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature
            [ req ]
            distinguished_name = req_dn
            [ req_dn ]

            """)
    }

    public var certificateAuthorityConfig: String { file("ca.cnf") }

    /// A new P-256 key in `name`.
    public func ecKey(_ name: String) throws {
        try openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file(name))
    }

    /// Issues `name`.pem for a new key `name`.key with `openssl ca`; `issuer` nil means self-signed.
    /// Returns the certificate's PEM.
    public func issue(
        _ name: String, subject: String, serial: String, issuer: String?, extensions: String,
        from start: String, to end: String
    ) throws -> String {
        try ecKey(name + ".key")
        try openssl("req", "-new", "-config", certificateAuthorityConfig, "-key", file(name + ".key"),
                    "-subj", subject, "-out", file(name + ".csr"))
        return try sign(name, serial: serial, issuer: issuer, extensions: extensions, from: start, to: end)
    }

    /// Signs the request already in `name`.csr into `name`.pem (`issuer` nil: self-signed with `name`.key).
    public func sign(
        _ name: String, serial: String, issuer: String?, extensions: String, from start: String, to end: String
    ) throws -> String {
        try write("serial", serial + "\n")
        var arguments = ["ca", "-batch", "-config", certificateAuthorityConfig, "-notext", "-preserveDN",
                         "-extensions", extensions, "-startdate", start, "-enddate", end,
                         "-in", file(name + ".csr"), "-out", file(name + ".pem")]
        if let issuer {
            arguments += ["-cert", file(issuer + ".pem"), "-keyfile", file(issuer + ".key")]
        } else {
            arguments += ["-selfsign", "-keyfile", file(name + ".key")]
        }
        try openssl(arguments)
        return try readText(name + ".pem")
    }
}
