import Glibc
import Logging
import OCPP16
import Threads

/// A swift-log handler that writes one JSON object per line, for log shippers (`--log-format json`):
///
///     {"timestamp":"2026-11-28T07:34:25.123Z","level":"info","label":"chargepoint","message":"…","metadata":{"address":"127.0.0.1:8080"}}
///
/// `timestamp` is RFC 3339 in UTC with milliseconds and `Z`; `level` is swift-log's name of the level;
/// `metadata` (the handler's, its provider's and the call's, the call's winning) is nested rather than
/// flattened, so a key such as `message` can never clash with the fixed members, and is left out when
/// empty; `error` is there when the call passed one. Messages are written as they were logged: secrets are
/// kept out of them where they are made, as for the text format.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    /// Lines go to `write`, each a whole JSON object followed by a line feed.
    public init(label: String, logLevel: Logger.Level, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.logLevel = logLevel
        self.write = write
    }

    /// Lines go to standard error unbuffered, whole, one at a time.
    public static func standardError(label: String, logLevel: Logger.Level) -> JSONLogHandler {
        JSONLogHandler(label: label, logLevel: logLevel) { line in
            standardErrorLock.withLock {
                line.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                        if written > 0 {
                            offset += written
                        } else if written < 0 && errno == EINTR {
                            continue
                        } else {
                            return
                        }
                    }
                }
            }
        }
    }

    /// Keeps the lines of threads that log at once from interleaving.
    private static let standardErrorLock = Lock()

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        write(
            Self.line(
                timestamp: .now, level: event.level, label: label, message: event.message.description, metadata: merged,
                error: event.error.map { String(describing: $0) }))
    }

    /// One log line: the JSON object and a line feed.
    public static func line(
        timestamp: Timestamp, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
        error: String? = nil
    ) -> [UInt8] {
        let line = Line(
            timestamp: timestamp.iso8601, level: level.rawValue, label: label, message: message, error: error,
            metadata: metadata.isEmpty ? nil : Value(.dictionary(metadata)))
        return JSONWriter.encode(line) + [0x0A]
    }

    /// The members in the order written.
    private struct Line: Encodable {
        var timestamp: String
        var level: String
        var label: String
        var message: String
        var error: String?
        var metadata: Value?
    }

    /// A metadata value as JSON: strings (also values logged as string-convertible), arrays and objects,
    /// the objects' keys sorted so that equal metadata gives equal lines.
    private struct Value: Encodable {
        var value: Logger.MetadataValue

        init(_ value: Logger.MetadataValue) {
            self.value = value
        }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            switch value {
            case .string(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .stringConvertible(let convertible):
                var container = encoder.singleValueContainer()
                try container.encode(convertible.description)
            case .array(let values):
                var container = encoder.unkeyedContainer()
                for value in values { try container.encode(Value(value)) }
            case .dictionary(let values):
                var container = encoder.container(keyedBy: Key.self)
                for key in values.keys.sorted() {
                    if let value = values[key] { try container.encode(Value(value), forKey: Key(stringValue: key)) }
                }
            }
        }
    }
}
