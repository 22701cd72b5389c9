import ArgumentParser
import Glibc
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
