import ChargePoint
import Glibc
import OCPP16
import TestFixtures
import Testing
import Threads

@testable import Store

/// A sync the test paces: each one records itself and, while `held`, waits until the test lets it finish.
private final class PacedSync: @unchecked Sendable {
    let condition = Condition()
    private var runs = 0
    private var held: Bool
    private var failure: String?

    init(held: Bool = false) {
        self.held = held
    }

    func run() -> String? {
        condition.withLock {
            runs += 1
            condition.broadcast()
            while held { condition.wait() }
            return failure
        }
    }

    func waitUntilStarted(_ count: Int) {
        condition.withLock { while runs < count { condition.wait() } }
    }

    var started: Int { condition.withLock { runs } }

    func fail(with failure: String?) {
        condition.withLock { self.failure = failure }
    }

    func release() {
        condition.withLock {
            held = false
            condition.broadcast()
        }
    }
}

/// How many syncs had finished when each waiting commit returned.
private final class Returns: @unchecked Sendable {
    private let lock = Lock()
    private var values: [UInt64] = []

    var syncsDone: [UInt64] { lock.withLock { values } }

    func record(syncsDone: UInt64) { lock.withLock { values.append(syncsDone) } }
}

/// Runs `body` on a thread of its own; `join` waits for it.
private struct Worker {
    let thread: pthread_t

    init(_ body: @escaping @Sendable () -> Void) {
        thread = spawnThread(body)!
    }

    func join() { pthread_join(thread, nil) }
}

@Suite struct GroupCommitTests {
    @Test func aLoneCommitRunsOneSyncAndReturnsWhenItIsDone() throws {
        let sync = PacedSync()
        let group = GroupCommit { _ in sync.run() }
        try group.waitUntilDurable()
        #expect(sync.started == 1)
        #expect(group.counts == (commits: 1, syncs: 1))
    }

    @Test func commitsMadeWhileASyncRunsShareTheNextSync() throws {
        let sync = PacedSync(held: true)
        let group = GroupCommit { _ in sync.run() }
        let first = Worker { try! group.waitUntilDurable() }
        sync.waitUntilStarted(1)
        // Three more commits while sync 1 runs: it may have begun before they were written, so it cannot carry them.
        let returned = Returns()
        let others = (0..<3).map { _ in
            Worker {
                try! group.waitUntilDurable()
                returned.record(syncsDone: group.counts.syncs)
            }
        }
        while group.counts.commits < 4 { sched_yield() }
        #expect(returned.syncsDone.isEmpty)
        sync.release()
        first.join()
        for worker in others { worker.join() }
        #expect(returned.syncsDone == [2, 2, 2])
        #expect(sync.started == 2)
        #expect(group.counts == (commits: 4, syncs: 2))
    }

    @Test func aFailedSyncFailsTheCommitsItCarriesAndTheNextCommitSyncsAgain() throws {
        let sync = PacedSync()
        sync.fail(with: "EIO")
        let group = GroupCommit { _ in sync.run() }
        #expect(throws: StoreError.self) { try group.waitUntilDurable() }
        sync.fail(with: nil)
        try group.waitUntilDurable()
        #expect(sync.started == 2)
    }

    @Test func aGroupedStoreWritesWithoutSQLiteSyncAndWaitsForTheGroupSync() throws {
        let folder = try TemporaryDirectory()
        let sync = PacedSync()
        let store = try Store(directory: folder.path, durability: .grouped(GroupCommit { _ in sync.run() }))
        #expect(try store.pragma("synchronous") == "1")
        // Creating the schema was one commit.
        #expect(sync.started == 1)
        try store.apply([.saveConfiguration(key: "HeartbeatInterval", value: "30")])
        #expect(sync.started == 2)
        // Removing delivered messages waits for no sync, as with a store of its own.
        try store.apply([.dequeue(sequence: 1)])
        #expect(sync.started == 2)
        #expect(try Store(directory: folder.path).load().configuration == ["HeartbeatInterval": "30"])
    }

    @Test func aGroupedStoreOf201WaitsForTheGroupSync() throws {
        let folder = try TemporaryDirectory()
        let sync = PacedSync()
        let store = try Store201(directory: folder.path, durability: .grouped(GroupCommit { _ in sync.run() }))
        try store.apply([.bootReason(.remoteReset)])
        #expect(sync.started == 2)
    }

    @Test func theRealSyncFlushesTheFileSystemOfEveryJoinedFolder() throws {
        let folder = try TemporaryDirectory()
        let group = GroupCommit()
        let store = try Store(directory: folder.path, durability: .grouped(group))
        try store.apply([.saveConfiguration(key: "HeartbeatInterval", value: "30")])
        #expect(group.counts == (commits: 2, syncs: 2))
    }
}
