import Foundation
import GRDB
import PanelCore

/// The embedded store: one SQLite file in WAL mode through GRDB. Events and
/// the query tables derived from them change in the same transaction.
public final class SQLiteStore: PanelStore {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(path: String, busyTimeout: TimeInterval = 10) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Most commands find the schema current: check with a read, migrate only when needed.
            let migrator = Schema.migrator
            if try !pool.read({ try migrator.hasCompletedMigrations($0) }) {
                try migrator.migrate(pool)
            }
        } catch let error as DatabaseError {
            throw StoreError.database(path: path, detail: Self.describe(error))
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
            throw StoreError.database(path: path, detail: Self.describe(error))
        }
    }

    static func describe(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the store stayed locked by another panel command; try again"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: "the file is not a readable panel store (damaged, or not SQLite)"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: "the file cannot be opened for writing (permissions?)"
        case .SQLITE_FULL: "the disk is full"
        default: error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
    }

    private func reading<T>(_ body: (Database) throws -> T) throws -> T {
        try guarded { try pool.read(body) }
    }

    private func writing<T>(_ body: (Database) throws -> T) throws -> T {
        try guarded { try pool.write(body) }
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
        try writing { db in try body(SavepointBatch(db: db)) }
    }

    // MARK: Events

    public func events(after sequence: Int64, limit: Int?) throws -> [EventRecord] {
        try reading { db in
            var sql = "SELECT * FROM event WHERE sequence > ? ORDER BY sequence"
            var arguments: StatementArguments = [sequence]
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(EventTable.record)
        }
    }

    public func events(about subject: String, type: String?) throws -> [EventRecord] {
        try reading { db in
            var sql = "SELECT * FROM event WHERE subject = ?"
            var arguments: StatementArguments = [subject]
            if let type {
                sql += " AND type = ?"
                arguments += [type]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY sequence", arguments: arguments).map(EventTable.record)
        }
    }

    public func forEachStoredEvent(_ body: (EventRecord) throws -> Void) throws {
        try reading { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM event ORDER BY rowid")
            while let row = try rows.next() { try body(EventTable.record(row)) }
        }
    }

    public func recordedHead() throws -> ChainHead? {
        try reading { db in try EventTable.head(db) }
    }

    // MARK: References

    public func reference(matching key: String) throws -> Reference? {
        try reading { db in try ReferenceTable.reference(matching: key, db: db) }
    }

    public func references(limit: Int, offset: Int) throws -> [Reference] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reference ORDER BY rowid LIMIT ? OFFSET ?", arguments: [limit, offset])
                .map { try ReferenceTable.reference($0, db: db, withBody: false) }
        }
    }

    public func referenceCount() throws -> Int {
        try reading { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reference") ?? 0 }
    }

    public func unflaggedMatches(rules: [String], after: Int64, limit: Int) throws -> [(position: Int64, match: RuleMatch)] {
        guard !rules.isEmpty else { return [] }
        return try reading { db in
            let marks = Array(repeating: "?", count: rules.count).joined(separator: ", ")
            var arguments = StatementArguments(rules)
            arguments += [after, limit]
            return try Row.fetchAll(db, sql: """
                SELECT m.position, m.record FROM rule_match m
                WHERE m.rule IN (\(marks)) AND m.position > ?
                  AND NOT EXISTS (SELECT 1 FROM flag f WHERE f.rule = m.rule AND f.fingerprint = m.reference)
                ORDER BY m.position LIMIT ?
                """, arguments: arguments).map { row in
                let position: Int64 = row[0]
                return (position: position, match: try StoreCoding.decode(RuleMatch.self, row[1], table: "rule_match", key: "\(position)"))
            }
        }
    }

    public func windowCounts(rule: String, from: Date, to: Date, groupBy: Aggregation.GroupBy?) throws -> [String: Int] {
        try reading { db in
            let sql: String
            switch groupBy {
            case nil: sql = "SELECT 'all', count(DISTINCT reference) FROM rule_match WHERE rule = ? AND at >= ? AND at <= ?"
            case .country: sql = "SELECT country, count(DISTINCT reference) FROM rule_match WHERE rule = ? AND at >= ? AND at <= ? AND country IS NOT NULL GROUP BY country"
            case .format: sql = "SELECT format, count(DISTINCT reference) FROM rule_match WHERE rule = ? AND at >= ? AND at <= ? GROUP BY format"
            case .keyword: sql = """
                SELECT k.value, count(DISTINCT m.reference) FROM rule_match m, json_each(m.keywords) k
                WHERE m.rule = ? AND m.at >= ? AND m.at <= ? GROUP BY k.value
                """
            }
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: [rule, Timestamp.format(from), Timestamp.format(to)]) {
                let count: Int = row[1]
                if count > 0, let group: String = row[0] { counts[group] = count }
            }
            return counts
        }
    }

    public func object(_ hash: String) throws -> [UInt8]? {
        try reading { db in
            try Data.fetchOne(db, sql: "SELECT bytes FROM object WHERE hash = ?", arguments: [hash]).map { [UInt8]($0) }
        }
    }

    public func search(_ query: ReferenceQuery) throws -> [ReferenceHit] {
        try reading { db in try ReferenceTable.search(query, db: db) }
    }
}

/// Reads of the query tables inside one transaction.
struct SQLiteReader: StoreReader {
    let db: Database

    func members() throws -> [Member] { try Projections.members(db) }
    func assessments() throws -> [Assessment] { try Projections.assessments(db) }
    func assessment(_ id: String) throws -> Assessment? { try Projections.assessment(id, db: db) }
    func comments(of assessment: String) throws -> [CommentRecord] { try Projections.comments(of: assessment, db: db) }
    func reviews(of assessment: String) throws -> [Review] { try Projections.reviews(of: assessment, db: db) }
    func reference(matching key: String) throws -> Reference? { try ReferenceTable.reference(matching: key, db: db) }

    func isReceived(file hash: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM received_file WHERE hash = ?"), arguments: [hash]) ?? false
    }

    func receivedFiles() throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT hash FROM received_file"))
    }

    func flags() throws -> [String: Flag] { try Projections.flags(db) }
    func flags(ids: Set<String>, openRules: Set<String>) throws -> [String: Flag] {
        try Projections.flags(ids: ids, openRules: openRules, db: db)
    }
    func pendingFlags(since: Date?) throws -> [String: Flag] {
        try Projections.pendingFlags(since: since.map(Timestamp.format), db: db)
    }
    func silences() throws -> [Silence] { try Projections.silences(db) }
    func issued(_ keys: [String]) throws -> Set<String> { try Projections.issued(keys, db: db) }

    func notifications() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, digest FROM notification") { result[row[0]] = row[1] }
        return result
    }

    func digests(limit: Int) throws -> [DigestIssued] {
        try Row.fetchAll(db, sql: "SELECT sequence, payload FROM event WHERE type = ? ORDER BY sequence DESC LIMIT ?",
                         arguments: [DigestIssued.type, limit]).map { row in
            let sequence: Int64 = row[0]
            do {
                return try StoreCoding.decoder.decode(DigestIssued.self, from: Data((row[1] as String).utf8))
            } catch {
                throw StoreError.event(.undecodable(sequence: sequence, type: DigestIssued.type, detail: EventCoding.describe(error)))
            }
        }
    }

    func head() throws -> ChainHead? { try EventTable.head(db) }
}

/// Files of one transaction, each in its own savepoint.
struct SavepointBatch: WriteBatch {
    let db: Database

    func file<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body(SQLiteWriter(db: db))
            return .commit
        }
        guard let result else { preconditionFailure("a committed savepoint always has its result") }
        return result
    }
}

/// The writes (and reads) of one write transaction or savepoint.
struct SQLiteWriter: StoreWriter {
    let db: Database
    private var reader: SQLiteReader { SQLiteReader(db: db) }

    init(db: Database) { self.db = db }

    func members() throws -> [Member] { try reader.members() }
    func assessments() throws -> [Assessment] { try reader.assessments() }
    func assessment(_ id: String) throws -> Assessment? { try reader.assessment(id) }
    func comments(of assessment: String) throws -> [CommentRecord] { try reader.comments(of: assessment) }
    func reviews(of assessment: String) throws -> [Review] { try reader.reviews(of: assessment) }
    func reference(matching key: String) throws -> Reference? { try reader.reference(matching: key) }
    func isReceived(file hash: String) throws -> Bool { try reader.isReceived(file: hash) }
    func receivedFiles() throws -> Set<String> { try reader.receivedFiles() }
    func flags() throws -> [String: Flag] { try reader.flags() }
    func flags(ids: Set<String>, openRules: Set<String>) throws -> [String: Flag] { try reader.flags(ids: ids, openRules: openRules) }
    func pendingFlags(since: Date?) throws -> [String: Flag] { try reader.pendingFlags(since: since) }
    func silences() throws -> [Silence] { try reader.silences() }
    func issued(_ keys: [String]) throws -> Set<String> { try reader.issued(keys) }
    func notifications() throws -> [String: String] { try reader.notifications() }
    func digests(limit: Int) throws -> [DigestIssued] { try reader.digests(limit: limit) }
    func head() throws -> ChainHead? { try reader.head() }

    @discardableResult
    func append(_ event: NewEvent) throws -> EventRecord {
        try EventTable.append(event, db: db)
    }

    func putObject(_ hash: String, bytes: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO object (hash, size, bytes) VALUES (?, ?, ?)")
            .execute(arguments: [hash, bytes.count, Data(bytes)])
    }

    func reference(withCanonicalHash hash: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM reference WHERE canonical_hash = ?"), arguments: [hash])
    }

    func reference(withIdentifier identifier: ReferenceIdentifier) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT reference FROM reference_identifier WHERE scheme = ? AND value = ?"),
            arguments: [identifier.scheme.rawValue, identifier.key])
    }

    func insert(_ reference: Reference) throws {
        try ReferenceTable.insert(reference, db: db)
    }

    func assignObject(_ hash: String) throws {
        try db.execute(sql: "UPDATE reference SET object = ? WHERE object = ''", arguments: [hash])
    }

    func recordMatch(_ match: RuleMatch) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO rule_match (rule, reference, at, keywords, country, format, record) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [match.rule, match.reference, match.at, try StoreCoding.encode(match.keywords),
                                     match.country, match.format.rawValue, try StoreCoding.encode(match)])
    }
}
