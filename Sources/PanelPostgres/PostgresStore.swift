import Foundation
import PanelCore
import PanelRelational

/// The store for one panel on many machines: the same port, tables and chain
/// as the embedded store, in a PostgreSQL database. Every write transaction
/// first takes the panel's transaction-level advisory lock, so writers on any
/// machine run one at a time (the chain head cannot fork) and each decision
/// reads the state the previous writer committed; a serialization failure or
/// deadlock the server reports is retried.
public final class PostgresStore: PanelStore {
    public let location: PostgresLocation
    let session: PostgresSession
    /// Every original is in the database: machines share no folder.
    public var keepsLargeObjects: Bool { true }
    private var inTransaction = false

    /// Connects and brings the schema up to date (creating it for a new panel).
    public init(location: PostgresLocation) throws {
        self.location = location
        session = try PostgresSession(location)
        try PostgresSchema.migrate(session)
    }

    public convenience init(url: String) throws {
        try self.init(location: try PostgresLocation(url: url))
    }

    /// Removes this panel's schema and everything in it (a throwaway panel: tests, benchmarks).
    public func dropSchema() throws {
        guard location.schema != "public" else {
            throw StoreError.database(path: location.description, detail: "the public schema is never dropped")
        }
        try session.script("DROP SCHEMA \(location.schema) CASCADE")
    }

    /// The database's clock: on many machines, one clock orders the log.
    public func now() throws -> Date {
        guard let row = try session.row("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"),
              let date = Timestamp.parse(try row.string(0)) else {
            throw StoreError.database(path: location.description, detail: "the server's clock could not be read")
        }
        return date
    }

    // MARK: Transactions

    private func transaction<T>(write: Bool, _ body: () throws -> T) throws -> T {
        // A read inside a write sees the write's own state: no second transaction.
        if inTransaction { return try body() }
        var attempt = 0
        while true {
            attempt += 1
            do {
                try session.script(write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                inTransaction = true
                session.remember(nil)
                defer {
                    inTransaction = false
                    session.remember(nil)
                }
                do {
                    if write { try session.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey), 1)") }
                    let result = try body()
                    try session.script("COMMIT")
                    return result
                } catch {
                    try session.script("ROLLBACK")
                    throw error
                }
            } catch let error as StoreError where PostgresSession.isRetryable(error) && attempt < 5 {
                continue
            }
        }
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try transaction(write: false) { try body(PostgresWriter(store: self)) }
    }

    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try transaction(write: true) { try body(PostgresWriter(store: self)) }
    }

    public func writeBatch<T>(_ body: (any WriteBatch) throws -> T) throws -> T {
        try transaction(write: true) { try body(PostgresBatch(store: self)) }
    }

    /// Takes the panel's session-level advisory lock `name` if no connection (on any machine) holds it.
    public func tryLock(_ name: String) throws -> Bool {
        try session.row("SELECT pg_try_advisory_lock(\(PostgresSchema.lockKey), hashtext(?)) AS taken", [name])?.bool("taken") == true
    }

    public func unlock(_ name: String) throws {
        _ = try session.rows("SELECT pg_advisory_unlock(\(PostgresSchema.lockKey), hashtext(?))", [name])
    }

    /// The database's clock for a command: the local clock corrected by the server's offset,
    /// measured once at the midpoint of a round trip, so every machine stamps events alike.
    public func clock() throws -> any PanelClock {
        let before = Date()
        let server = try now()
        let after = Date()
        return OffsetClock(offset: server.timeIntervalSince(before.addingTimeInterval(after.timeIntervalSince(before) / 2)))
    }

    private func reading<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction(write: false) { try body(session) }
    }

    // MARK: Events and references

    public func events(after sequence: Int64, limit: Int?) throws -> [EventRecord] {
        try reading { try EventLog.events(after: sequence, limit: limit, db: $0) }
    }

    public func events(about subject: String, type: String?) throws -> [EventRecord] {
        try reading { try EventLog.events(about: subject, type: type, db: $0) }
    }

    public func forEachStoredEvent(_ body: (EventRecord) throws -> Void) throws {
        // In pages, so a long log is never held whole.
        var after: Int64 = 0
        while true {
            let page = try reading { db in
                try db.rows("SELECT \(EventLog.columns) FROM event WHERE sequence > ? ORDER BY sequence LIMIT 5000", [after])
            }
            guard !page.isEmpty else { return }
            for row in page {
                let record = try EventLog.record(row)
                try body(record)
                after = record.sequence
            }
        }
    }

    public func recordedHead() throws -> ChainHead? {
        try reading { try EventLog.head($0) }
    }

    public func reference(matching key: String) throws -> Reference? {
        try reading { try PostgresSearch.reference(matching: key, db: $0) }
    }

    public func references(limit: Int, offset: Int) throws -> [Reference] {
        try reading { try RelationalQueries.references(limit: limit, offset: offset, db: $0) }
    }

    public func referenceCount() throws -> Int {
        try reading { try RelationalQueries.referenceCount(db: $0) }
    }

    public func search(_ query: ReferenceQuery) throws -> [ReferenceHit] {
        try reading { try PostgresSearch.search(query, db: $0) }
    }

    public func forEachReference(_ body: (Reference) throws -> Void) throws {
        try RelationalQueries.paged({ after in
            try reading { db in
                try RelationalQueries.references(after: after, limit: 500, db: db) { try PostgresSearch.body(rowid: $0, db: db) }
                    .map { ($0.rowid, $0.reference) }
            }
        }, body)
    }

    public func forEachRuleMatch(_ body: (RuleMatch) throws -> Void) throws {
        try RelationalQueries.paged({ after in
            try reading { try RelationalQueries.ruleMatches(after: after, limit: 5_000, db: $0).map { ($0.position, $0.match) } }
        }, body)
    }

    public func objectHashes() throws -> [String] {
        try reading { try RelationalQueries.objectHashes(db: $0) }
    }

    public func unflaggedMatches(rules: [String], after: Int64, limit: Int) throws -> [(position: Int64, match: RuleMatch)] {
        try reading { try RelationalQueries.unflaggedMatches(rules: rules, after: after, limit: limit, db: $0) }
    }

    public func windowCounts(rule: String, from: Date, to: Date, groupBy: Aggregation.GroupBy?) throws -> [String: Int] {
        try reading { try RelationalQueries.windowCounts(rule: rule, from: from, to: to, groupBy: groupBy, db: $0) }
    }

    public func object(_ hash: String) throws -> [UInt8]? {
        try reading { try LargeObjects.read(hash, db: $0) }
    }
}

/// The local clock moved by a fixed offset (to the database server's).
struct OffsetClock: PanelClock {
    let offset: TimeInterval
    func now() -> Date { Date().addingTimeInterval(offset) }
}

/// Reads and writes inside the store's current transaction.
struct PostgresWriter: RelationalWriter {
    let store: PostgresStore
    var session: any SQLSession { store.session }

    func reference(matching key: String) throws -> Reference? { try PostgresSearch.reference(matching: key, db: session) }

    func indexText(of reference: Reference, rowid: Int64) throws {
        try PostgresSearch.indexText(of: reference, rowid: rowid, db: session)
    }

    func putObject(_ hash: String, contentsOf file: URL) throws {
        try LargeObjects.write(hash, from: file, db: session)
    }
}

/// Originals larger than the inline limit, as PostgreSQL large objects: written from their
/// file and read back a chunk at a time, inside the caller's transaction.
enum LargeObjects {
    static let chunk = 1 << 20

    static func write(_ hash: String, from file: URL, db: any SQLSession) throws {
        if try db.exists("SELECT 1 FROM object WHERE hash = ?", [hash]) { return }
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        guard let oid = try db.row("SELECT lo_create(0)::bigint AS oid")?.int64("oid") else {
            throw StoreError.undecodable(table: "object", key: hash, detail: "lo_create returned no id")
        }
        var offset: Int64 = 0
        while let data = try handle.read(upToCount: chunk), !data.isEmpty {
            try db.execute("SELECT lo_put(?::oid, ?, ?)", [oid, offset, [UInt8](data)])
            offset += Int64(data.count)
        }
        try db.execute("INSERT INTO object (hash, size, large) VALUES (?, ?, ?::oid)", [hash, offset, oid])
    }

    static func read(_ hash: String, db: any SQLSession) throws -> [UInt8]? {
        guard let row = try db.row("SELECT bytes, large::bigint AS large, size FROM object WHERE hash = ?", [hash]) else { return nil }
        if case .blob(let bytes) = row[0] { return bytes }
        let oid = try row.int64("large"), size = try row.int64("size")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        var offset: Int64 = 0
        while offset < size {
            guard let part = try db.row("SELECT lo_get(?::oid, ?, ?::integer)", [oid, offset, chunk]) else { break }
            bytes += try part.bytes(0)
            offset += Int64(chunk)
        }
        guard bytes.count == Int(size) else {
            throw StoreError.undecodable(table: "object", key: hash, detail: "the large object holds \(bytes.count) of \(size) bytes")
        }
        return bytes
    }
}

/// Files of one transaction, each in a savepoint of its own.
struct PostgresBatch: WriteBatch {
    let store: PostgresStore

    func file<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        let session = store.session
        // Sent without waiting: the file's first read waits for it.
        try session.execute("SAVEPOINT panel_file")
        let head = session.cachedHead()
        do {
            let result = try body(PostgresWriter(store: store))
            try session.script("RELEASE SAVEPOINT panel_file")
            return result
        } catch {
            // What the file appended is undone, so the head is what it was before the file.
            session.remember(head)
            try session.script("ROLLBACK TO SAVEPOINT panel_file; RELEASE SAVEPOINT panel_file")
            throw error
        }
    }
}
