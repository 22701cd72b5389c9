import CLibWebSockets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small `pthread_mutex_t` lock. Used instead of `Synchronization.Mutex` because
/// ThreadSanitizer understands pthread mutexes (it does not see futex-based locks).
final class PThreadMutex: @unchecked Sendable {
    // The mutex lives in its own heap allocation (never moved) and is only used through pthread calls.
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let rc = pthread_mutex_init(mutex, nil)
        precondition(rc == 0, "pthread_mutex_init failed: \(rc)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A condition variable bound to a `PThreadMutex`, waiting against CLOCK_MONOTONIC.
final class PThreadCondition: @unchecked Sendable {
    // The condition lives in its own heap allocation and is only used through pthread calls.
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    init() {
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        let rc = pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
        precondition(rc == 0, "pthread_cond_init failed: \(rc)")
    }

    deinit {
        pthread_cond_destroy(cond)
        cond.deinitialize(count: 1)
        cond.deallocate()
    }

    func broadcast() { pthread_cond_broadcast(cond) }

    /// Waits (with `mutex` held by the caller) until signalled or until `deadlineMicros`
    /// (CLOCK_MONOTONIC, see `monotonicMicros()`). Spurious wake-ups are possible.
    func wait(_ mutex: PThreadMutex, untilMicros deadlineMicros: UInt64) {
        var ts = timespec()
        ts.tv_sec = Int(deadlineMicros / 1_000_000)
        ts.tv_nsec = Int(deadlineMicros % 1_000_000) * 1000
        _ = pthread_cond_timedwait(cond, mutex.mutex, &ts)
    }
}

/// Microseconds on CLOCK_MONOTONIC.
func monotonicMicros() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
}

/// Owns the closure a new pthread runs; passed retained through `void *`.
private final class ThreadBody {
    let name: String
    let body: () -> Void
    init(name: String, body: @escaping () -> Void) {
        self.name = name
        self.body = body
    }
}

private let threadEntry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { arg in
    guard let arg else { return nil }
    let box = Unmanaged<ThreadBody>.fromOpaque(arg).takeRetainedValue()
    // Linux limits thread names to 15 bytes plus NUL.
    _ = cp_set_current_thread_name(String(decoding: box.name.utf8.prefix(15), as: UTF8.self))
    box.body()
    return nil
}

/// Starts a joinable pthread running `body`. Returns nil if the thread could not be created.
func spawnThread(name: String, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
    let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
    var tid = pthread_t()
    let rc = pthread_create(&tid, nil, threadEntry, box.toOpaque())
    guard rc == 0 else {
        box.release()
        return nil
    }
    return tid
}
