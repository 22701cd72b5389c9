import CSQLite
import Glibc
import Threads

/// How a store's commits reach the disk before `apply` returns.
public enum Durability: Sendable {
    /// SQLite syncs the write-ahead log at every commit (synchronous FULL): a station alone.
    case syncEachCommit
    /// Commits are written without a sync and then wait for one sync shared by every store of the group
    /// that committed meanwhile: a fleet's stations.
    case grouped(GroupCommit)
}

/// Group commit across stores: one sync of the disk for every commit made while the previous sync ran, so
/// that a thousand charging stations cost a few syncs per second instead of two per commit each.
///
/// A store of the group commits with SQLite's synchronous NORMAL, which writes the write-ahead log without
/// syncing it (and still syncs around checkpoints, so a power cut cannot corrupt the file), and then waits in
/// `waitUntilDurable` for a sync that began after its commit. The first store to wait runs the sync; stores
/// that commit while it runs wait for the next one, which one of them runs for all. There is no thread of its
/// own and no fixed window, so a lone commit is never delayed. A kill of the process loses nothing even before
/// the sync: the log is written to the kernel by the commit itself.
///
/// The sync is `syncfs` of each file system the stores' folders are on: one flush of the journal for all the
/// log files at once, where an `fdatasync` per file would flush it once per store.
///
/// `@unchecked Sendable`: its state is guarded by `condition`.
public final class GroupCommit: @unchecked Sendable {
    private let condition = Condition()
    /// Syncs are numbered from 1 in the order they start; only one runs at a time.
    private var started: UInt64 = 0
    private var finished: UInt64 = 0
    /// The last sync that succeeded, and why the last one failed.
    private var succeeded: UInt64 = 0
    private var lastFailure = ""
    private var commits: UInt64 = 0
    /// One open directory per file system, to name it to `syncfs`.
    private var fileSystems: [dev_t: Int32] = [:]
    private let sync: (_ fileSystems: [Int32]) -> String?

    /// A group whose sync is `syncfs` of its stores' file systems.
    public convenience init() {
        self.init { fileSystems in
            for descriptor in fileSystems where cp_syncfs(descriptor) != 0 {
                return "cannot sync the data folders' disk: \(String(cString: strerror(errno)))"
            }
            return nil
        }
    }

    /// A group with its own sync, which returns why it failed or nil (tests count and pace syncs).
    init(sync: @escaping (_ fileSystems: [Int32]) -> String?) {
        self.sync = sync
    }

    deinit {
        for descriptor in fileSystems.values { close(descriptor) }
    }

    /// How many commits waited for a sync, and how many syncs ran for them.
    public var counts: (commits: UInt64, syncs: UInt64) {
        condition.withLock { (commits, finished) }
    }

    /// Adds the file system of a store's folder to those each sync flushes.
    func join(directory: String) throws(StoreError) {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw StoreError(description: "cannot read \(directory): \(String(cString: strerror(errno)))")
        }
        try condition.withLock { () throws(StoreError) in
            guard fileSystems[status.st_dev] == nil else { return }
            let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw StoreError(description: "cannot open \(directory): \(String(cString: strerror(errno)))")
            }
            fileSystems[status.st_dev] = descriptor
        }
    }

    /// Returns once a sync that began after this call has succeeded; throws if the syncs that could carry the
    /// caller's commit failed (the commit may not be on disk, so nothing may depend on it).
    func waitUntilDurable() throws(StoreError) {
        condition.lock()
        defer { condition.unlock() }
        commits += 1
        // A sync running now may have begun before the caller's commit was written: only the next one counts.
        let needed = started + 1
        while succeeded < needed {
            if finished >= needed {
                throw StoreError(description: lastFailure)
            }
            if started == finished {
                started += 1
                let number = started
                let descriptors = Array(fileSystems.values)
                condition.unlock()
                let failure = sync(descriptors)
                condition.lock()
                finished = number
                if let failure { lastFailure = failure } else { succeeded = number }
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
    }
}
