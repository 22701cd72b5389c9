import ArgumentParser
import Glibc
import JSONLogging
import Logging

/// SIGINT and SIGTERM, for a graceful stop. They are blocked before any thread starts, so that only the
/// main thread's `wait` receives them; SIGPIPE is ignored (a client that went away is not a reason to die).
struct StopSignals {
    private var signals = sigset_t()

    init() {
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks until one arrives; returns its number.
    func wait() -> Int32 {
        var received: Int32 = 0
        var signals = signals
        sigwait(&signals, &received)
        return received
    }

    /// Blocks until one arrives or `duration` has passed; returns its number, or nil after the time.
    func wait(for duration: Duration) -> Int32? {
        let (seconds, attoseconds) = duration.components
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var signals = signals
        let received = sigtimedwait(&signals, nil, &timeout)
        return received > 0 ? received : nil
    }
}

extension Logger.Level {
    /// A level as users write it in flags and environment variables.
    init(option text: String) throws {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical, not '\(text)'.")
        }
        self = level
    }
}

/// How log lines are written to standard error: `text`, swift-log's line format, or `json`, one object per
/// line for log shippers (JSONLogHandler).
enum LogFormat: String {
    case text, json

    init(option text: String) throws {
        guard let format = LogFormat(rawValue: text.lowercased()) else {
            throw ValidationError("--log-format must be text or json, not '\(text)'.")
        }
        self = format
    }

    func handler(label: String, level: Logger.Level) -> any LogHandler {
        switch self {
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        case .json:
            return JSONLogHandler.standardError(label: label, logLevel: level)
        }
    }

    /// Sends every log line to standard error in this format and to a recorder of recent lines (what a
    /// diagnostics archive holds); returns the recorder.
    func bootstrap(level: Logger.Level) -> LogRecorder {
        let recorder = LogRecorder()
        LoggingSystem.bootstrap { label in
            MultiplexLogHandler([
                handler(label: label, level: level),
                RecordingLogHandler(label: label, recorder: recorder, logLevel: level),
            ])
        }
        return recorder
    }

    /// Runs a command's body. With JSON logs a failure (bad options, a port in use) is logged as a critical
    /// line under `label`, so that every line stays JSON, and ends the process with the status ArgumentParser
    /// would give; with text logs ArgumentParser prints it as usual.
    func reportingFailure(label: String, _ body: () throws -> Void) throws {
        guard self == .json else { return try body() }
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Logger(label: label) { JSONLogHandler.standardError(label: $0, logLevel: .critical) }.critical("\(error)")
            throw error is ValidationError ? ExitCode.validationFailure : ExitCode.failure
        }
    }
}
