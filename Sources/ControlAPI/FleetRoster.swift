import Threads

/// The stations a fleet's API answers for, in the fleet's order; stations join and leave while it runs
/// (`POST /api/v1/stations`, `DELETE /api/v1/stations/{id}`).
///
/// `@unchecked Sendable`: `order` and `apis` are guarded by `lock`.
package final class FleetRoster: @unchecked Sendable {
    private let lock = Lock()
    private var order: [String] = []
    private var apis: [String: ControlAPI] = [:]

    package init() {}

    /// Every station with its API, in order: what a list or a sum goes through.
    var members: [(identity: String, api: ControlAPI)] {
        lock.withLock { order.map { ($0, apis[$0]!) } }
    }

    package var count: Int { lock.withLock { order.count } }

    package func api(_ identity: String) -> ControlAPI? {
        lock.withLock { apis[identity] }
    }

    /// Adds a station at the end; false when one of that identity is there.
    @discardableResult
    package func add(_ identity: String, _ api: ControlAPI) -> Bool {
        lock.withLock {
            guard apis[identity] == nil else { return false }
            apis[identity] = api
            order.append(identity)
            return true
        }
    }

    /// Takes a station out; false when there is none of that identity.
    @discardableResult
    package func remove(_ identity: String) -> Bool {
        lock.withLock {
            guard apis.removeValue(forKey: identity) != nil else { return false }
            order.removeAll { $0 == identity }
            return true
        }
    }
}
