import Foundation
import PanelCore

/// The reads of the store port over a SQL session, written once for every
/// store. A store's reader gives its session and the one read whose SQL is its
/// own (a reference with its full text).
public protocol RelationalReader: StoreReader {
    var session: any SQLSession { get }
}

extension RelationalReader {
    public func members() throws -> [Member] { try Projections.members(session) }
    public func assessments() throws -> [Assessment] { try Projections.assessments(session) }
    public func assessments(withStatements needed: (Assessment) -> Bool) throws -> [Assessment] {
        try Projections.assessments(session, withStatements: needed)
    }
    public func assessment(_ id: String) throws -> Assessment? { try Projections.assessment(id, db: session) }
    public func comments(of assessment: String) throws -> [CommentRecord] { try Projections.comments(of: assessment, db: session) }
    public func reviews(of assessment: String) throws -> [Review] { try Projections.reviews(of: assessment, db: session) }
    public func isReceived(file hash: String) throws -> Bool {
        try session.exists("SELECT 1 FROM received_file WHERE hash = ?", [hash])
    }
    public func receivedFiles() throws -> Set<String> {
        Set(try session.rows("SELECT hash FROM received_file").map { try $0.string(0) })
    }
    public func flags() throws -> [String: Flag] { try Projections.flags(session) }
    public func flags(ids: Set<String>, openRules: Set<String>) throws -> [String: Flag] {
        try Projections.flags(ids: ids, openRules: openRules, db: session)
    }
    public func pendingFlags(since: Date?) throws -> [String: Flag] {
        try Projections.pendingFlags(since: since.map(Timestamp.format), db: session)
    }
    public func silences() throws -> [Silence] { try Projections.silences(session) }
    public func issued(_ keys: [String]) throws -> Set<String> { try Projections.issued(keys, db: session) }
    public func notifications() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try session.rows("SELECT key, digest FROM notification") { result[try row.string(0)] = try row.string(1) }
        return result
    }
    public func digests(limit: Int) throws -> [DigestIssued] {
        try session.rows("SELECT sequence, payload FROM event WHERE type = ? ORDER BY sequence DESC LIMIT ?",
                         [DigestIssued.type, limit]).map { row in
            let sequence = try row.int64(0)
            do {
                return try StoreCoding.decoder.decode(DigestIssued.self, from: Data(try row.string(1).utf8))
            } catch {
                throw StoreError.event(.undecodable(sequence: sequence, type: DigestIssued.type, detail: EventCoding.describe(error)))
            }
        }
    }
    public func head() throws -> ChainHead? { try EventLog.head(session) }
}

/// The writes of the store port over a SQL session. A store's writer adds
/// what its own engine does differently: the full-text row of a reference.
public protocol RelationalWriter: RelationalReader, StoreWriter {
    /// Indexes a just-inserted reference's text (its `rowid` in the reference table).
    func indexText(of reference: Reference, rowid: Int64) throws
}

extension RelationalWriter {
    @discardableResult
    public func append(_ event: NewEvent) throws -> EventRecord { try EventLog.append(event, db: session) }

    public func putObject(_ hash: String, bytes: [UInt8]) throws {
        try session.execute("INSERT INTO object (hash, size, bytes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [hash, bytes.count, bytes])
    }

    public func reference(withCanonicalHash hash: String) throws -> String? {
        try session.row("SELECT id FROM reference WHERE canonical_hash = ?", [hash])?.string(0)
    }

    public func reference(withIdentifier identifier: ReferenceIdentifier) throws -> String? {
        try session.row("SELECT reference FROM reference_identifier WHERE scheme = ? AND value = ?",
                        [identifier.scheme.rawValue, identifier.key])?.string(0)
    }

    public func insert(_ reference: Reference) throws {
        let rowid = try ReferenceRows.insert(reference, db: session)
        try indexText(of: reference, rowid: rowid)
    }

    public func assignObject(_ hash: String) throws {
        try session.execute("UPDATE reference SET object = ? WHERE object = ''", [hash])
    }

    public func restore(_ record: EventRecord) throws {
        let head = try EventLog.head(session)
        guard record.sequence == (head?.sequence ?? 0) + 1, record.previousHash == (head?.hash ?? EventChain.genesis) else {
            throw StoreError.undecodable(table: "event", key: "\(record.sequence)",
                                         detail: "it does not continue the chain at \(head?.sequence ?? 0); nothing was copied")
        }
        let event: PanelEvent
        do {
            event = try record.event()
        } catch {
            throw StoreError.event(error)
        }
        try EventLog.insert(record, db: session)
        try Projections.apply(event, record: record, db: session)
    }

    public func recordMatch(_ match: RuleMatch) throws {
        try session.execute("""
            INSERT INTO rule_match (rule, reference, at, keywords, country, format, record) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, [match.rule, match.reference, match.at, try StoreCoding.encode(match.keywords),
                  match.country, match.format.rawValue, try StoreCoding.encode(match)])
    }
}

/// A reference's row in the `reference` table, shared by the stores; its full
/// text lives where each engine indexes it.
public enum ReferenceRows {
    public static let columns = """
        rowid, id, format, adapter, title, authors, published, container, country, document_type, keywords, identifiers,
        abstract, url, canonical_hash, object, source, record_index, ingested_at, namespace
        """

    /// Inserts the row, its identifiers and keywords; returns its rowid.
    static func insert(_ reference: Reference, db: any SQLSession) throws -> Int64 {
        let metadata = reference.metadata
        guard let inserted = try db.row("""
            INSERT INTO reference (id, format, adapter, title, authors, published, container, country,
                document_type, keywords, identifiers, abstract, url, canonical_hash, object, source,
                record_index, ingested_at, namespace)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING rowid
            """, [
                reference.id, reference.format.rawValue, reference.adapter, metadata.title, try StoreCoding.encode(metadata.authors),
                metadata.published, metadata.container, metadata.country, metadata.documentType,
                try StoreCoding.encode(metadata.keywords), try StoreCoding.encode(metadata.identifiers), metadata.abstract, metadata.url,
                reference.canonicalHash, reference.object, reference.source, reference.recordIndex,
                reference.ingestedAt, metadata.namespace,
            ]) else {
            throw StoreError.undecodable(table: "reference", key: reference.id, detail: "the insert returned no rowid")
        }
        let rowid = try inserted.int64(0)
        for identifier in metadata.identifiers {
            try db.execute("INSERT INTO reference_identifier (scheme, value, reference) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           [identifier.scheme.rawValue, identifier.key, reference.id])
        }
        for keyword in metadata.keywords {
            try db.execute("INSERT INTO reference_keyword (keyword, reference) VALUES (?, ?) ON CONFLICT DO NOTHING", [keyword, rowid])
        }
        return rowid
    }

    /// By id, then by any identifier (`doi:...`, `pmid:...`, or a bare value tried in every scheme),
    /// with its full text read by `body` from the rowid.
    public static func matching(_ key: String, db: any SQLSession, body: (Int64) throws -> String) throws -> Reference? {
        if let row = try db.row("SELECT \(columns) FROM reference WHERE id = ?", [key]) {
            return try decode(row, body: body(row.int64("rowid")))
        }
        let identifiers = ReferenceIdentifier(parsing: key).map { [$0] }
            ?? ReferenceIdentifier.Scheme.allCases.map { ReferenceIdentifier($0, key) }
        for identifier in identifiers {
            if let row = try db.row("""
                SELECT \(columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
                FROM reference_identifier i JOIN reference r ON r.id = i.reference
                WHERE i.scheme = ? AND i.value = ?
                """, [identifier.scheme.rawValue, identifier.key]) {
                return try decode(row, body: body(row.int64("rowid")))
            }
        }
        return nil
    }

    /// A row selected with `columns` (by name, so more may follow).
    public static func decode(_ row: SQLRow, body: String) throws -> Reference {
        let id = try row.string("id")
        var metadata = ReferenceMetadata()
        metadata.title = try row.string("title")
        metadata.authors = try StoreCoding.decode([Author].self, row.string("authors"), table: "reference", key: id)
        metadata.published = try row.optionalString("published")
        metadata.container = try row.optionalString("container")
        metadata.country = try row.optionalString("country")
        metadata.documentType = try row.optionalString("document_type")
        metadata.keywords = try StoreCoding.decode([String].self, row.string("keywords"), table: "reference", key: id)
        metadata.identifiers = try StoreCoding.decode([ReferenceIdentifier].self, row.string("identifiers"), table: "reference", key: id)
        metadata.abstract = try row.string("abstract")
        metadata.url = try row.optionalString("url")
        metadata.namespace = try row.optionalString("namespace")
        metadata.body = body
        return Reference(
            id: id, format: try StoreCoding.value(ReferenceFormat.self, row.string("format"), table: "reference", key: id, column: "format"),
            adapter: try row.string("adapter"), metadata: metadata, canonicalHash: try row.string("canonical_hash"),
            object: try row.string("object"), source: try row.string("source"), recordIndex: Int(try row.int64("record_index")),
            ingestedAt: try row.string("ingested_at"))
    }
}

/// The store-level reads (outside the port's transactions) that both stores
/// answer with the same SQL, each inside a read transaction of its own.
public enum RelationalQueries {
    public static func references(limit: Int, offset: Int, db: any SQLSession) throws -> [Reference] {
        try db.rows("SELECT \(ReferenceRows.columns) FROM reference ORDER BY rowid LIMIT ? OFFSET ?", [limit, offset])
            .map { try ReferenceRows.decode($0, body: "") }
    }

    public static func referenceCount(db: any SQLSession) throws -> Int {
        try db.row("SELECT count(*) FROM reference")?.int(0) ?? 0
    }

    public static func unflaggedMatches(rules: [String], after: Int64, limit: Int, db: any SQLSession) throws -> [(position: Int64, match: RuleMatch)] {
        guard !rules.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: rules.count).joined(separator: ", ")
        return try db.rows("""
            SELECT m.position, m.record FROM rule_match m
            WHERE m.rule IN (\(marks)) AND m.position > ?
              AND NOT EXISTS (SELECT 1 FROM flag f WHERE f.rule = m.rule AND f.fingerprint = m.reference)
            ORDER BY m.position LIMIT ?
            """, rules + [after, limit] as [any SQLArgument]).map { row in
            let position = try row.int64(0)
            return (position: position, match: try StoreCoding.decode(RuleMatch.self, row.string(1), table: "rule_match", key: "\(position)"))
        }
    }

    public static func windowCounts(rule: String, from: Date, to: Date, groupBy: Aggregation.GroupBy?, db: any SQLSession) throws -> [String: Int] {
        let window = "m.rule = ? AND m.at >= ? AND m.at <= ?"
        let sql = switch groupBy {
        case nil: "SELECT 'all', count(DISTINCT m.reference) FROM rule_match m WHERE \(window)"
        case .country: "SELECT m.country, count(DISTINCT m.reference) FROM rule_match m WHERE \(window) AND m.country IS NOT NULL GROUP BY m.country"
        case .format: "SELECT m.format, count(DISTINCT m.reference) FROM rule_match m WHERE \(window) GROUP BY m.format"
        case .keyword: """
            SELECT k.value, count(DISTINCT m.reference) FROM rule_match m, \(db.dialect.jsonElements("m.keywords")) k
            WHERE \(window) GROUP BY k.value
            """
        }
        var counts: [String: Int] = [:]
        for row in try db.rows(sql, [rule, Timestamp.format(from), Timestamp.format(to)]) {
            let count = try row.int(1)
            if count > 0, let group = try row.optionalString(0) { counts[group] = count }
        }
        return counts
    }

    public static func object(_ hash: String, db: any SQLSession) throws -> [UInt8]? {
        try db.row("SELECT bytes FROM object WHERE hash = ?", [hash])?.bytes(0)
    }

    public static func ruleMatches(after position: Int64, limit: Int, db: any SQLSession) throws -> [(position: Int64, match: RuleMatch)] {
        try db.rows("SELECT position, record FROM rule_match WHERE position > ? ORDER BY position LIMIT ?", [position, limit]).map { row in
            let position = try row.int64(0)
            return (position, try StoreCoding.decode(RuleMatch.self, row.string(1), table: "rule_match", key: "\(position)"))
        }
    }

    /// Walks a keyed table page by page (each page its own read), so a long one is never held whole.
    public static func paged<T>(_ fetch: (Int64) throws -> [(Int64, T)], _ body: (T) throws -> Void) throws {
        var after: Int64 = 0
        while true {
            let page = try fetch(after)
            guard let last = page.last else { return }
            for (_, item) in page { try body(item) }
            after = last.0
        }
    }

    public static func objectHashes(db: any SQLSession) throws -> [String] {
        try db.rows("SELECT hash FROM object ORDER BY hash").map { try $0.string(0) }
    }

    /// References after `rowid`, with the text `body` reads for each.
    public static func references(after rowid: Int64, limit: Int, db: any SQLSession,
                                  body: (Int64) throws -> String) throws -> [(rowid: Int64, reference: Reference)] {
        try db.rows("SELECT \(ReferenceRows.columns) FROM reference WHERE rowid > ? ORDER BY rowid LIMIT ?", [rowid, limit]).map { row in
            let rowid = try row.int64("rowid")
            return (rowid, try ReferenceRows.decode(row, body: body(rowid)))
        }
    }
}

/// A search's filters (format, date range, keyword, country) as a WHERE fragment on `r`, the
/// reference table, the same on both stores but for the spelling of two functions.
public enum ReferenceFilters {
    public static func sql(_ query: ReferenceQuery, dialect: SQLDialect) -> (sql: String, arguments: [any SQLArgument]) {
        var sql = ""
        var arguments: [any SQLArgument] = []
        if let format = query.format {
            sql += " AND r.format = ?"
            arguments.append(format.rawValue)
        }
        // Dates of any precision (2014, 2014-01, 2014-01-31) match when they overlap the range:
        // both sides are compared on the precision they share, so 2014-01 is within 2014-01-01..2014-01-31.
        let least = dialect == .sqlite ? "min" : "least"
        for (bound, comparison) in [(query.from, ">="), (query.to, "<=")] {
            guard let bound else { continue }
            sql += " AND r.published IS NOT NULL AND substr(r.published, 1, \(least)(length(r.published), length(?))) \(comparison) substr(?, 1, \(least)(length(r.published), length(?)))"
            arguments += [bound, bound, bound]
        }
        if let keyword = query.keyword {
            // SQLite's keyword column compares without case (and by its index); PostgreSQL's is lower-cased here.
            let match = dialect == .sqlite ? "k.keyword = ?" : "lower(k.keyword) = lower(?)"
            sql += " AND EXISTS (SELECT 1 FROM reference_keyword k WHERE \(match) AND k.reference = r.rowid)"
            arguments.append(keyword)
        }
        if let country = query.country {
            sql += " AND lower(r.country) = lower(?)"
            arguments.append(country)
        }
        return (sql, arguments)
    }
}
