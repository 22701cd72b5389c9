import Certificates
import ChargePoint
import EngineSupport
import FileTransfer
import Glibc
import OCPP16
import Synchronization
import Threads

/// Runs the engine's long jobs (transfers, the install hook) each on a thread of its own, so the engine
/// thread never waits for a network, and posts the outcome back as an input.
struct JobRunner: Sendable {
    let dataDirectory: String
    /// An executable run with the firmware file's path; exit status 0 means installed, and the first line
    /// it prints, if any, is the new firmware version. Without one, installation is simulated.
    let installCommand: String?
    let finished: @Sendable (Int, JobOutcome) -> Void
    /// The transfers running, by job id, so that an engine that gave one up can stop it.
    private let running = Running()

    init(dataDirectory: String, installCommand: String?, finished: @escaping @Sendable (Int, JobOutcome) -> Void) {
        self.dataDirectory = dataDirectory
        self.installCommand = installCommand
        self.finished = finished
    }

    /// - Parameter archive: for a diagnostics upload, the archive's contents, gathered by the caller at the
    ///   moment the job starts.
    func run(_ job: Job, archive: [UInt8]?) {
        let cancellation = running.add(job.id)
        let thread = spawnThread {
            let outcome = perform(job, archive: archive, cancellation: cancellation)
            running.remove(job.id)
            finished(job.id, outcome)
        }
        if let thread {
            pthread_detach(thread)
        } else {
            running.remove(job.id)
            finished(job.id, .failed(reason: "no thread could be started"))
        }
    }

    /// Stops job `id`'s transfer if it still runs (a superseded update or upload); the install hook and a
    /// signature check run to their end. The outcome still comes back, as a failure the engine ignores.
    func cancel(_ id: Int) {
        running.cancel(id)
    }

    private func perform(_ job: Job, archive: [UInt8]?, cancellation: TransferCancellation) -> JobOutcome {
        switch job.kind {
        case .downloadFirmware(let url, let fileName):
            guard let folder = folder("firmware") else { return .failed(reason: "cannot create the firmware folder") }
            do {
                _ = try FileTransfer.download(from: url, to: folder + "/" + fileName, cancellation: cancellation)
                return .succeeded(detail: nil)
            } catch {
                return .failed(reason: error.description)
            }
        case .installFirmware(let fileName):
            return install(dataDirectory + "/firmware/" + fileName, fileName: fileName)
        case .uploadDiagnostics(let url, let fileName):
            return upload(archive ?? [], as: fileName, to: url, cancellation: cancellation)
        case .uploadText(let url, let fileName, let content):
            return upload(Array(content.utf8), as: fileName, to: url, cancellation: cancellation)
        case .verifyFirmware(let fileName, let certificatePEM, let signature):
            return verify(dataDirectory + "/firmware/" + fileName, signature: signature, certificatePEM: certificatePEM)
        }
    }

    /// Keeps a copy in the diagnostics folder (what was sent, for the operator) and uploads it.
    private func upload(_ bytes: [UInt8], as fileName: String, to url: String, cancellation: TransferCancellation) -> JobOutcome {
        guard let folder = folder("diagnostics") else { return .failed(reason: "cannot create the diagnostics folder") }
        let path = folder + "/" + fileName
        guard write(bytes, to: path) else { return .failed(reason: "cannot write \(path)") }
        do {
            try FileTransfer.upload(file: path, to: url, as: fileName, cancellation: cancellation)
            return .succeeded(detail: nil)
        } catch {
            return .failed(reason: error.description)
        }
    }

    /// The firmware file against its signature, streamed (images are large).
    private func verify(_ path: String, signature: [UInt8], certificatePEM: String) -> JobOutcome {
        do {
            guard let certificate = try Certificate.parseChain(pem: certificatePEM).first else {
                return .failed(reason: "no signing certificate")
            }
            return try SignatureCheck.verifyFile(at: path, signature: signature, certificate: certificate)
                ? .succeeded(detail: nil) : .failed(reason: "the signature does not match the firmware file")
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// Runs the install hook, or simulates a successful installation whose version is the file's name
    /// without its extension (e.g. `cp-2.1.0.bin` installs `cp-2.1.0`).
    private func install(_ path: String, fileName: String) -> JobOutcome {
        guard let installCommand else {
            let version = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
            return .succeeded(detail: version.isEmpty ? fileName : version)
        }
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { return .failed(reason: "cannot create a pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, output[0])
        var process = pid_t()
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(installCommand), strdup(path), nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawnp(&process, installCommand, &actions, nil, arguments, environ)
        close(output[1])
        defer { close(output[0]) }
        guard spawned == 0 else { return .failed(reason: "cannot run \(installCommand): \(String(cString: strerror(spawned)))") }
        var printed: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while printed.count < 65536 {
            let count = read(output[0], &buffer, buffer.count)
            if count <= 0 { break }
            printed += buffer[..<count]
        }
        var status: Int32 = 0
        waitpid(process, &status, 0)
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
            return .failed(reason: "\(installCommand) failed with status \(exitCode)")
        }
        let firstLine = String(decoding: printed, as: UTF8.self).split(separator: "\n").first.map(String.init)
        return .succeeded(detail: firstLine.map { String(decoding: trimmingSpace($0.utf8), as: UTF8.self) })
    }

    private func folder(_ name: String) -> String? {
        let path = dataDirectory + "/" + name
        return mkdir(path, 0o755) == 0 || errno == EEXIST ? path : nil
    }

    private func write(_ bytes: [UInt8], to path: String) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        defer { fclose(file) }
        return fwrite(bytes, 1, bytes.count, file) == bytes.count
    }
}

/// The cancellation token of every job that runs.
private final class Running: Sendable {
    private let tokens = Mutex<[Int: TransferCancellation]>([:])

    func add(_ id: Int) -> TransferCancellation {
        let token = TransferCancellation()
        tokens.withLock { $0[id] = token }
        return token
    }

    func remove(_ id: Int) {
        _ = tokens.withLock { $0.removeValue(forKey: id) }
    }

    func cancel(_ id: Int) {
        tokens.withLock { $0[id] }?.cancel()
    }
}
