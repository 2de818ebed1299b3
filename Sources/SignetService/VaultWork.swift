import NIOPosix

/// Where Haar sampling and scrypt run: NIO's shared blocking pool, one thread per core, never
/// Swift's cooperative pool.
///
/// An enrollment costs a dense n × n orthogonal sample and a KDF run; a probe verification
/// costs up to L KDF runs. On the cooperative pool a storm of them would occupy every thread
/// and stall everything else the server does, `/healthz` and the ledger's commits included.
/// On the bounded pool they queue, and the event loops and the cooperative pool stay free.
enum VaultWork {
    /// Runs `body` on the blocking pool and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
