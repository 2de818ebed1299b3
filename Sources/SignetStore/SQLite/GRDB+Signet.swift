import GRDB

extension Row {
    /// The column's value; nil when it is NULL or missing.
    ///
    /// Deliberate: GRDB's subscript traps on a value of another type; this throws instead, so a
    /// damaged row fails one request with an error, never the process.
    func value<T: DatabaseValueConvertible>(_ column: String, as type: T.Type = T.self) throws -> T? {
        try decode(T?.self, forColumn: column)
    }

    /// The value at `index`; nil when it is NULL. Unlike ``value(_:as:)``, a value of another
    /// type is converted the way SQLite converts it (TEXT `'x'` read as an integer is 0), and an
    /// index past the row's columns stops the process: use it only with a SELECT list written
    /// next to the reader.
    ///
    /// Deliberate: asking GRDB for an `Optional` goes through the runtime's generic metadata
    /// and dynamic casts on every value, which was most of a long list's decoding; this asks
    /// for the plain type on SQLite's fast path after a NULL check.
    @inline(__always)
    func value<T: DatabaseValueConvertible & StatementColumnConvertible>(at index: Int, as type: T.Type = T.self) throws -> T? {
        hasNull(atIndex: index) ? nil : try decode(T.self, atIndex: index)
    }
}

extension DatabaseReader {
    /// Runs a short read on the calling thread, on one of the pool's reader connections.
    ///
    /// Deliberate: a point lookup takes microseconds, while `await read` hands it to a reader
    /// thread and back, two context switches (thread switching was about a third of all CPU
    /// samples in `signet-bench api`). On its own this did not move the bench beyond its noise;
    /// it removes two of the hand-offs a verification pays. Use it for lookups by key only;
    /// scans keep the asynchronous `read`.
    func readInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        try read(body)
    }
}

extension DatabaseWriter {
    /// Runs `body` on the writer connection, on the calling thread, outside any transaction.
    ///
    /// Deliberate: every caller holds the file's ``SQLiteWriteGate``, so at most one thread per
    /// database file is ever in here, and it waits for the writer's lock without a hand-off.
    /// Handing each access to GRDB's writer queue and back cost two thread wake-ups, which on
    /// the 2-core bench machine weighed more than the statements themselves; the price is
    /// that the one thread inside also waits out the commit's fsync (about 0.5 ms measured).
    /// `signet-bench api`, device mode: 2,229–2,699/s handed off, 2,893–3,155/s in place on
    /// disk; 4,220/s in place on tmpfs.
    func writeInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction(body)
    }
}
