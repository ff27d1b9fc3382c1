import Foundation
import GRDB
import PanelCore
import PanelRelational

/// The embedded store: one SQLite file in WAL mode through GRDB. Events and
/// the query tables derived from them change in the same transaction.
public final class SQLiteStore: PanelStore {
    /// A pool (one writer, readers beside it) for commands that may write; one read-only
    /// connection for those that only read.
    let database: any DatabaseWriter
    public let path: String
    /// What this handle may do. Opened `.readOnly`, it is one connection that SQLite itself keeps
    /// from writing: no writer connection to open and no WAL set-up, which a pool does on every
    /// open, for a command that changes nothing (status, explain).
    public let access: StoreAccess
    /// Large originals live in the workspace's object folder beside the file.
    public var keepsLargeObjects: Bool { false }

    /// Opens (creating and migrating if needed) the store at `path`. Opened `.readOnly`, a store
    /// whose schema is not current is opened to write instead, and migrated: a command that only
    /// reads still finds the schema it was built for.
    public init(path: String, busyTimeout: TimeInterval = 10, access: StoreAccess = .readWrite) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        let migrator = Schema.migrator
        // What the open was for, for an error's wording: a command that only reads and is refused
        // is told so, not that it could not write.
        var purpose: Purpose = access == .readOnly ? .read : .write
        do {
            if access == .readOnly {
                configuration.readonly = true
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                if try queue.read({ try migrator.hasCompletedMigrations($0) }) {
                    (database, self.access) = (queue, .readOnly)
                    return
                }
                try queue.close()
                configuration.readonly = false
                purpose = .upgrade
            }
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            // Most commands find the schema current: check with a read, migrate only when needed.
            if try !pool.read({ try migrator.hasCompletedMigrations($0) }) {
                try migrator.migrate(pool)
            }
            (database, self.access) = (pool, .readWrite)
        } catch let error as DatabaseError {
            throw StoreError.database(path: path, detail: Self.describe(error, purpose: purpose))
        }
    }

    /// Whether a store file exists at `path` (without creating one).
    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    // MARK: Readers and writers

    /// SQLite's own errors become a `StoreError` that names the store: no raw
    /// SQLite text (with its SQL) reaches a user.
    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.database(path: path, detail: Self.describe(error, purpose: access == .readOnly ? .read : .write))
        }
    }

    /// Why a store was opened or used, for an error's wording.
    enum Purpose { case read, write, upgrade }

    static func describe(_ error: DatabaseError, purpose: Purpose) -> String {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "the store stayed locked by another panel command; try again"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "the file is not a readable panel store (damaged, or not SQLite)"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            switch purpose {
            case .read: return "the file cannot be opened to read (permissions on it, or on its folder, where SQLite keeps its -wal and -shm files?)"
            case .upgrade: return "the store was written by an earlier panel and must be upgraded first, which needs write access to it and its folder (permissions?)"
            case .write: return "the file cannot be opened for writing (permissions?)"
            }
        case .SQLITE_FULL: return "the disk is full"
        default: return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
    }

    private func reading<T>(_ body: (Database) throws -> T) throws -> T {
        try guarded { try database.read(body) }
    }

    private func writing<T>(_ body: (Database) throws -> T) throws -> T {
        // A command that opened the store to read and then writes is a fault of this program:
        // said as such, not as SQLite's "readonly database" (which reads like a permissions problem).
        guard access == .readWrite else {
            throw StoreError.database(path: path, detail: "this command opened the store only to read, and may not write to it")
        }
        return try guarded { try database.write(body) }
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try reading { db in try body(SQLiteReader(db: db)) }
    }

    /// An IMMEDIATE transaction (GRDB's default for a pool's writer): it takes
    /// SQLite's write lock before its first read, so a decision and its
    /// appends cannot interleave with another process's.
    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try writing { db in try body(SQLiteWriter(db: db)) }
    }

    public func writeBatch<T>(_ body: (any WriteBatch) throws -> T) throws -> T {
        try writing { db in try body(SavepointBatch(db: db, path: path)) }
    }

    // MARK: Events and references: the SQL both stores share

    private func session<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try reading { db in try body(GRDBSession(db: db)) }
    }

    public func events(after sequence: Int64, limit: Int?) throws -> [EventRecord] {
        try session { try EventLog.events(after: sequence, limit: limit, db: $0) }
    }

    public func events(about subject: String, type: String?) throws -> [EventRecord] {
        try session { try EventLog.events(about: subject, type: type, db: $0) }
    }

    public func forEachStoredEvent(_ body: (EventRecord) throws -> Void) throws {
        try reading { db in
            // A cursor, not an array: the log may be long.
            let statement = try db.makeStatement(sql: "SELECT \(EventLog.columns) FROM event ORDER BY rowid")
            let names = statement.columnNames
            let rows = try Row.fetchCursor(statement)
            while try rows.next() != nil {
                try body(EventLog.record(GRDBSession.currentRow(of: statement, names: names)))
            }
        }
    }

    public func recordedHead() throws -> ChainHead? {
        try session { try EventLog.head($0) }
    }

    public func reference(matching key: String) throws -> Reference? {
        try reading { db in try ReferenceTable.reference(matching: key, db: db) }
    }

    public func references(limit: Int, offset: Int) throws -> [Reference] {
        try session { try RelationalQueries.references(limit: limit, offset: offset, db: $0) }
    }

    public func referenceCount() throws -> Int {
        try session { try RelationalQueries.referenceCount(db: $0) }
    }

    public func unflaggedMatches(rules: [String], after: Int64, limit: Int) throws -> [(position: Int64, match: RuleMatch)] {
        try session { try RelationalQueries.unflaggedMatches(rules: rules, after: after, limit: limit, db: $0) }
    }

    public func windowCounts(rule: String, from: Date, to: Date, groupBy: Aggregation.GroupBy?) throws -> [String: Int] {
        try session { try RelationalQueries.windowCounts(rule: rule, from: from, to: to, groupBy: groupBy, db: $0) }
    }

    public func object(_ hash: String) throws -> [UInt8]? {
        try session { try RelationalQueries.object(hash, db: $0) }
    }

    public func search(_ query: ReferenceQuery) throws -> [ReferenceHit] {
        try reading { db in try ReferenceTable.search(query, db: db) }
    }

    public func forEachReference(_ body: (Reference) throws -> Void) throws {
        try RelationalQueries.paged({ after in
            try reading { db in
                try RelationalQueries.references(after: after, limit: 500, db: GRDBSession(db: db)) { try ReferenceTable.body(rowid: $0, db: db) }
                    .map { ($0.rowid, $0.reference) }
            }
        }, body)
    }

    public func forEachRuleMatch(_ body: (RuleMatch) throws -> Void) throws {
        try RelationalQueries.paged({ after in
            try session { try RelationalQueries.ruleMatches(after: after, limit: 5_000, db: $0).map { ($0.position, $0.match) } }
        }, body)
    }

    public func objectHashes() throws -> [String] {
        try session { try RelationalQueries.objectHashes(db: $0) }
    }
}

/// Reads of the query tables inside one transaction.
struct SQLiteReader: RelationalReader {
    let db: Database
    var session: any SQLSession { GRDBSession(db: db) }

    func reference(matching key: String) throws -> Reference? { try ReferenceTable.reference(matching: key, db: db) }
}

/// Files of one transaction, each in its own savepoint.
struct SavepointBatch: WriteBatch {
    let db: Database
    let path: String

    func file<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        var result: T?
        do {
            try db.inSavepoint {
                result = try body(SQLiteWriter(db: db))
                return .commit
            }
        } catch let error as DatabaseError {
            // What the file's data broke (a constraint, a limit) is the file's; anything else (full,
            // locked, damaged) the store's, on which the caller stops the batch rather than blame the file.
            if [.SQLITE_CONSTRAINT, .SQLITE_TOOBIG, .SQLITE_MISMATCH].contains(error.resultCode) {
                throw StoreError.dataRefused(path: path, detail: error.message ?? "\(error.resultCode)")
            }
            throw StoreError.database(path: path, detail: SQLiteStore.describe(error, purpose: .write))
        }
        guard let result else { preconditionFailure("a committed savepoint always has its result") }
        return result
    }
}

/// The writes (and reads) of one write transaction or savepoint.
struct SQLiteWriter: RelationalWriter {
    let db: Database
    var session: any SQLSession { GRDBSession(db: db) }

    func reference(matching key: String) throws -> Reference? { try ReferenceTable.reference(matching: key, db: db) }

    func indexText(of reference: Reference, rowid: Int64) throws {
        try ReferenceTable.indexText(of: reference, rowid: rowid, db: db)
    }

    /// Not asked of this store (its large objects are files); kept whole in the object table if it is.
    func putObject(_ hash: String, contentsOf file: URL) throws {
        try putObject(hash, bytes: [UInt8](try Data(contentsOf: file)))
    }
}
