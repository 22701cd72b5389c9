import CLibWebSockets
import Glibc
import Threads

/// Microseconds on CLOCK_MONOTONIC: the unit lws timers use.
func monotonicMicros() -> UInt64 {
    UInt64(monotonicUptime() / .microseconds(1))
}

/// Starts a joinable pthread running `body`, named for `ps` and debuggers (Linux keeps 15 bytes).
/// Returns nil if the thread could not be created.
func spawnThread(name: String, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
    let shortName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
    return Threads.spawnThread {
        _ = cp_set_current_thread_name(shortName)
        body()
    }
}
