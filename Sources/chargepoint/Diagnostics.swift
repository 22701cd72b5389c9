import Logging
import OCPP16
import Threads

/// Keeps the most recent log lines in memory for diagnostics archives: the service logs to stderr only,
/// so without this GetDiagnostics would have no log to send.
///
/// `@unchecked Sendable`: `lines` and `next` are guarded by `condition`.
final class LogRecorder: @unchecked Sendable {
    static let capacity = 5000
    private let condition = Condition()
    private var lines: [String] = []
    private var next = 0

    func record(_ line: String) {
        condition.withLock {
            if lines.count < Self.capacity {
                lines.append(line)
            } else {
                lines[next] = line
                next = (next + 1) % Self.capacity
            }
        }
    }

    /// Oldest first.
    var recent: [String] {
        condition.withLock { Array(lines[next...] + lines[..<next]) }
    }
}

/// A swift-log handler that hands each line to a `LogRecorder`, next to the stderr handler.
struct RecordingLogHandler: LogHandler {
    let label: String
    let recorder: LogRecorder
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.record("\(Timestamp.now.iso8601) \(event.level) \(label): \(event.message)")
    }
}

/// A POSIX ustar archive: enough for a diagnostics bundle of a few flat files, with no dependency.
enum TarArchive {
    static func make(_ files: [(name: String, contents: [UInt8])], modified: Timestamp) -> [UInt8] {
        var archive: [UInt8] = []
        for (name, contents) in files {
            var header = [UInt8](repeating: 0, count: 512)
            put(Array(name.utf8.prefix(99)), into: &header, at: 0)
            put(octal(0o644, width: 8), into: &header, at: 100)
            put(octal(0, width: 8), into: &header, at: 108)
            put(octal(0, width: 8), into: &header, at: 116)
            put(octal(contents.count, width: 12), into: &header, at: 124)
            put(octal(Int(modified.millisecondsSince1970 / 1000), width: 12), into: &header, at: 136)
            put(Array(repeating: 0x20, count: 8), into: &header, at: 148)
            header[156] = UInt8(ascii: "0")
            put(Array("ustar\u{0}00".utf8), into: &header, at: 257)
            let checksum = header.reduce(0) { $0 + Int($1) }
            put(octal(checksum, width: 7) + [0x20], into: &header, at: 148)
            archive += header
            archive += contents
            archive += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
        }
        return archive + [UInt8](repeating: 0, count: 1024)
    }

    /// `width - 1` octal digits and a NUL.
    private static func octal(_ value: Int, width: Int) -> [UInt8] {
        let digits = String(value, radix: 8)
        return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
    }

    private static func put(_ bytes: [UInt8], into header: inout [UInt8], at offset: Int) {
        header.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }
}
