import Foundation

/// The task executor on which SQLite writes run: one dedicated thread for the process, outside
/// Swift's global thread pool.
///
/// Why: a write holding a file's ``SQLiteWriteGate`` runs its statements in place and then waits
/// out its commit's fsync (about 0.5 ms here). On Linux the global executor has one thread per
/// core, so on the 2-core bench machine that wait idled half of the request handlers' threads
/// several times per verification. On this thread the wait blocks nothing else; request tasks
/// hop here only for their batch's write, which the group commit and the ledger's batching
/// amortize over many requests. `signet-bench api`, 256 connections, 3 alternating runs each:
/// see docs/performance.md.
///
/// One thread, not one per file: writes to one file are serialized by its gate anyway, and a
/// process normally has one data file. The thread lives as long as the process, as NIO's
/// singleton event loops do.
final class SQLiteWriterThread: TaskExecutor, @unchecked Sendable {
    /// The process's writer thread, started on first use.
    static let shared = SQLiteWriterThread()

    // Guards `jobs` and wakes the thread; @unchecked Sendable rests on this lock.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var thread: Thread?

    private init() {
        let thread = Thread { [self] in run() }
        thread.name = "signet-sqlite-writer"
        self.thread = thread
        thread.start()
    }

    /// Whether the caller runs on this executor's thread.
    var isCurrent: Bool { Thread.current == condition.withLock({ thread }) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    private func run() {
        var batch: [UnownedJob] = []
        while true {
            condition.withLock {
                while jobs.isEmpty { condition.wait() }
                swap(&batch, &jobs)
            }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
