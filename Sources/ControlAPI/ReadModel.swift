import ChargePoint
import HTTPServer
import OCPP16
import Threads

/// The state the engine last published, for answering reads on the HTTP threads: a GET of the status or
/// of the connectors needs no turn of the engine. The charge point host publishes after every change
/// that is on disk and before any answer that follows it, so a read never shows less than a reply did.
///
/// Bodies that cannot change until the next snapshot (no energy flowing) are encoded once and reused.
///
/// `@unchecked Sendable`: `snapshot`, `cachedBodies` and `storeRefusal` are guarded by `lock`.
public final class ReadModel: @unchecked Sendable {
    private let lock = Lock()
    private var snapshot: EngineSnapshot?
    private var cachedBodies: [String: [UInt8]] = [:]
    private var storeRefusal: String?

    public init() {}

    /// Why the store refuses writes, while it does (the charge point host reports it).
    public var storeProblem: String? {
        get { lock.withLock { storeRefusal } }
        set { lock.withLock { storeRefusal = newValue } }
    }

    public func publish(_ snapshot: EngineSnapshot) {
        lock.withLock {
            self.snapshot = snapshot
            cachedBodies = [:]
        }
    }

    /// The latest snapshot advanced to now; nil before the first one.
    func current() -> EngineSnapshot? {
        let snapshot = lock.withLock { self.snapshot }
        return snapshot?.advanced(to: monotonicUptime())
    }

    /// The body encoded by `encode` from the current snapshot. One with a `key` is kept under it until the
    /// next snapshot, unless energy flows (readings then move with time).
    func body(keptAs key: String?, _ encode: (EngineSnapshot) -> [UInt8]?) -> [UInt8]? {
        let (published, cached) = lock.withLock { (snapshot, key.flatMap { cachedBodies[$0] }) }
        if let cached { return cached }
        guard let published, let body = encode(published.advanced(to: monotonicUptime())) else { return nil }
        if let key, !published.isChanging {
            lock.withLock {
                if self.snapshot?.takenAt == published.takenAt { cachedBodies[key] = body }
            }
        }
        return body
    }
}
