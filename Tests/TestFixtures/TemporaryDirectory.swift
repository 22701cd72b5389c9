import Glibc

/// A failure of the test scaffolding (the openssl CLI, the file system), not of the code under test.
public struct SetupError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

/// A fresh directory under /tmp, removed (with its files and subdirectories) on deinit.
public final class TemporaryDirectory {
    public let path: String

    public init() throws {
        var template = Array("/tmp/chargepoint-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw SetupError(description: "mkdtemp failed: errno \(errno)") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit { Self.remove(path) }

    /// The names in the directory, sorted.
    public func entries() -> [String] { Self.entries(of: path) }

    private static func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static func remove(_ directory: String) {
        for name in entries(of: directory) {
            let path = directory + "/" + name
            if unlink(path) != 0 { remove(path) }
        }
        rmdir(directory)
    }

    public func write(_ name: String, _ bytes: [UInt8]) throws {
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

    public func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    public func read(_ name: String) throws -> [UInt8] {
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

    public func readText(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }

    /// Runs /usr/bin/openssl with `arguments`; returns (stdout, stderr). Throws if it exits non-zero.
    @discardableResult
    public func openssl(_ arguments: [String]) throws -> (output: String, errors: String) {
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
    public func openssl(_ arguments: String...) throws -> (output: String, errors: String) {
        try openssl(arguments)
    }
}

/// Bytes that look random and are the same on every run.
public func pattern(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
    }
    return bytes
}
