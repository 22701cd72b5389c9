import Glibc

/// A pthread mutex. pthread rather than `Synchronization.Mutex`: ThreadSanitizer cannot see the futex
/// calls that one is built on, and reports false races.
///
/// `@unchecked Sendable`: the mutex is made for use across threads and never moves (it lives in its own
/// allocation).
public final class Lock: @unchecked Sendable {
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }

    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Inlinable so that every caller's closure and result are specialized: unspecialized, each use paid
    /// for its generic result through the runtime (issue 11).
    @inlinable
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A lock with a condition variable on the monotonic clock.
///
/// `@unchecked Sendable`: as `Lock`.
public final class Condition: @unchecked Sendable {
    @usableFromInline let mutex = Lock()
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(cond)
        cond.deallocate()
    }

    @inlinable
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try mutex.withLock(body)
    }

    public func lock() { mutex.lock() }

    public func unlock() { mutex.unlock() }

    /// Call with the lock held.
    public func signal() { pthread_cond_signal(cond) }

    /// Call with the lock held.
    public func broadcast() { pthread_cond_broadcast(cond) }

    /// Call with the lock held.
    public func wait() { pthread_cond_wait(cond, mutex.mutex) }

    /// Call with the lock held. Returns false when the deadline (on the monotonic clock) passed first.
    public func wait(untilUptime deadline: Duration) -> Bool {
        let (seconds, attoseconds) = deadline.components
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        return pthread_cond_timedwait(cond, mutex.mutex, &time) != ETIMEDOUT
    }

    /// Call with the lock held. Returns false when the time passed without a signal.
    public func wait(for duration: Duration) -> Bool {
        wait(untilUptime: monotonicUptime() + duration)
    }
}

/// The monotonic clock: never jumps, so timers measured on it do not either.
public func monotonicUptime() -> Duration {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
}

/// Starts a pthread running `body`; nil if the system refused. Detach or join it.
public func spawnThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body))
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { context in
        Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, box.toOpaque())
    guard result == 0 else {
        box.release()
        return nil
    }
    return thread
}
