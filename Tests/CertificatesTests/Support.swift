import Certificates
import Glibc

/// A failure of the test scaffolding (the openssl CLI, the file system), not of the code under test.
struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// Unix seconds of midnight UTC on the first day of a year (and month), for readable test instants.
enum Instant {
    static let y2020: Int64 = 1_577_836_800
    static let y2021: Int64 = 1_609_459_200
    static let y2022: Int64 = 1_640_995_200
    static let y2023: Int64 = 1_672_531_200
    static let y2024: Int64 = 1_704_067_200
    static let june2024: Int64 = 1_717_200_000
    static let y2025: Int64 = 1_735_689_600
    static let y2026: Int64 = 1_767_225_600
    static let y2035: Int64 = 2_051_222_400
    static let y2045: Int64 = 2_366_841_600
    static let y2050: Int64 = 2_524_608_000
}

/// A fresh directory under /tmp, removed (with its files and subdirectories) on deinit.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/certificates-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw SetupError(description: "mkdtemp failed: errno \(errno)") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { Self.remove(path) }

    private static func remove(_ directory: String) {
        guard let handle = opendir(directory) else { return }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(handle)
        for name in names {
            let path = directory + "/" + name
            if unlink(path) != 0 { remove(path) }
        }
        rmdir(directory)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let fd = open(file(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SetupError(description: "cannot create \(file(name))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw SetupError(description: "cannot write \(file(name))") }
            offset += written
        }
    }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    func read(_ name: String) throws -> [UInt8] {
        let fd = open(file(name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SetupError(description: "cannot open \(file(name))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count >= 0 else { throw SetupError(description: "cannot read \(file(name))") }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
        }
    }

    func readText(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }

    /// Runs /usr/bin/openssl with `arguments`; returns (stdout, stderr). Throws if it exits non-zero.
    @discardableResult
    func openssl(_ arguments: [String]) throws -> (output: String, errors: String) {
        let outPath = file(".stdout"), errPath = file(".stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = (["openssl"] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var process = pid_t()
        let spawned = posix_spawn(&process, "/usr/bin/openssl", &actions, nil, argv, environ)
        guard spawned == 0 else { throw SetupError(description: "cannot start openssl: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(process, &status, 0) < 0 && errno == EINTR {}
        let output = try readText(".stdout"), errors = try readText(".stderr")
        unlink(outPath)
        unlink(errPath)
        // WIFEXITED && WEXITSTATUS == 0, spelled out (the macros are not imported).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw SetupError(description: "openssl \(arguments.joined(separator: " ")) failed (status \(status)): \(errors)")
        }
        return (output, errors)
    }

    @discardableResult
    func openssl(_ arguments: String...) throws -> (output: String, errors: String) {
        try openssl(arguments)
    }
}

/// Bytes that look random and are the same on every run.
func pattern(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
    }
    return bytes
}

/// The certificate hash data `openssl ocsp` puts into a request: OpenSSL's own OCSP_cert_to_id,
/// an implementation independent of `Certificate.hashes`.
func ocspCertificateID(_ algorithm: HashAlgorithm, certificate: Certificate, issuer: Certificate) throws -> CertificateHashes {
    let directory = try TemporaryDirectory()
    try directory.write("cert.pem", certificate.pem)
    try directory.write("issuer.pem", issuer.pem)
    let text = try directory.openssl("ocsp", "-issuer", directory.file("issuer.pem"), "-" + algorithm.rawValue.lowercased(),
                                     "-cert", directory.file("cert.pem"), "-req_text", "-no_nonce").output
    // Long hex values are wrapped with a trailing backslash.
    let joined = text.replacing("\\\n", with: "")
    func field(_ label: String) throws -> String {
        guard let line = joined.split(separator: "\n").first(where: { $0.contains(label + ":") }),
              let value = line.split(separator: ":").last
        else { throw SetupError(description: "no \(label) in openssl ocsp output:\n\(text)") }
        return value.trimmingCharacters(in: " ").lowercased()
    }
    let serial = String(try field("Serial Number").drop { $0 == "0" })
    return CertificateHashes(hashAlgorithm: algorithm, issuerNameHash: String(try field("Issuer Name Hash")),
                             issuerKeyHash: String(try field("Issuer Key Hash")), serialNumber: serial.isEmpty ? "0" : serial)
}

extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return text
    }
}
