import CLibWebSockets

/// A libwebsockets scheduled callback (a "sul") that runs a Swift closure on the service thread.
///
/// The `cp_sul_t` lives on the heap and never moves (lws keeps a pointer to it in its timer list); its
/// owner field points back to this object, which the C callback turns into the closure call. The owner
/// of a timer cancels it before the context is destroyed, and keeps it alive as long as the context.
final class LWSTimer {
    private let sul: UnsafeMutablePointer<cp_sul_t>
    private let fire: () -> Void

    init(_ fire: @escaping () -> Void) {
        self.fire = fire
        sul = .allocate(capacity: 1)
        sul.initialize(to: cp_sul_t())
        sul.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        sul.deinitialize(count: 1)
        sul.deallocate()
    }

    /// (Re)arms the timer to fire `micros` from now; a pending deadline is replaced.
    func schedule(on context: OpaquePointer, afterMicros micros: UInt64) {
        lws_sul_schedule(context, 0, listEntry, lwsTimerCallback, lws_usec_t(min(micros, UInt64(Int64.max))))
    }

    func cancel() {
        lws_sul_cancel(listEntry)
    }

    fileprivate func fired() { fire() }

    /// The `lws_sorted_usec_list_t` at the start of the `cp_sul_t`, which `cp_sul_owner` casts back.
    private var listEntry: UnsafeMutablePointer<lws_sorted_usec_list_t> {
        UnsafeMutableRawPointer(sul).assumingMemoryBound(to: lws_sorted_usec_list_t.self)
    }
}

private let lwsTimerCallback: LWSSulCallback = { sul in
    guard let sul, let owner = cp_sul_owner(sul) else { return }
    Unmanaged<LWSTimer>.fromOpaque(owner).takeUnretainedValue().fired()
}
