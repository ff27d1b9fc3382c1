import Foundation
import GRDB
import PanelCore

enum ReferenceTable {
    private static func json<T: Encodable>(_ value: T) throws -> String {
        try StoreCoding.encode(value)
    }

    /// By id, then by any identifier (`doi:...`, `pmid:...`, or a bare value tried in every scheme).
    static func reference(matching key: String, db: Database) throws -> Reference? {
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM reference WHERE id = ?", arguments: [key]) {
            return try reference(row, db: db, withBody: true)
        }
        let identifiers = ReferenceIdentifier(parsing: key).map { [$0] }
            ?? ReferenceIdentifier.Scheme.allCases.map { ReferenceIdentifier($0, key) }
        for identifier in identifiers {
            if let row = try Row.fetchOne(db, sql: """
                SELECT r.* FROM reference_identifier i JOIN reference r ON r.id = i.reference
                WHERE i.scheme = ? AND i.value = ?
                """, arguments: [identifier.scheme.rawValue, identifier.key]) {
                return try reference(row, db: db, withBody: true)
            }
        }
        return nil
    }

    static func insert(_ reference: Reference, db: Database) throws {
        let metadata = reference.metadata
        try db.cachedStatement(sql: """
            INSERT INTO reference (id, format, adapter, title, authors, published, container, country,
                document_type, keywords, identifiers, abstract, url, canonical_hash, object, source,
                record_index, ingested_at, namespace)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                reference.id, reference.format.rawValue, reference.adapter, metadata.title, try json(metadata.authors),
                metadata.published, metadata.container, metadata.country, metadata.documentType,
                try json(metadata.keywords), try json(metadata.identifiers), metadata.abstract, metadata.url,
                reference.canonicalHash, reference.object, reference.source, reference.recordIndex,
                reference.ingestedAt, metadata.namespace,
            ])
        let rowid = db.lastInsertedRowID
        for identifier in metadata.identifiers {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO reference_identifier (scheme, value, reference) VALUES (?, ?, ?)")
                .execute(arguments: [identifier.scheme.rawValue, identifier.key, reference.id])
        }
        for keyword in metadata.keywords {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO reference_keyword (keyword, reference) VALUES (?, ?)")
                .execute(arguments: [keyword, rowid])
        }
        try db.cachedStatement(sql: """
            INSERT INTO reference_text (rowid, title, authors, keywords, abstract, body) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                rowid, metadata.title, metadata.authors.map(\.name).joined(separator: "; "),
                metadata.keywords.joined(separator: "; "), metadata.abstract, metadata.body,
            ])
    }

    static func reference(_ row: Row, db: Database, withBody: Bool) throws -> Reference {
        let id: String = row["id"]
        var metadata = ReferenceMetadata()
        metadata.title = row["title"]
        metadata.authors = try StoreCoding.decode([Author].self, row["authors"], table: "reference", key: id)
        metadata.published = row["published"]
        metadata.container = row["container"]
        metadata.country = row["country"]
        metadata.documentType = row["document_type"]
        metadata.keywords = try StoreCoding.decode([String].self, row["keywords"], table: "reference", key: id)
        metadata.identifiers = try StoreCoding.decode([ReferenceIdentifier].self, row["identifiers"], table: "reference", key: id)
        metadata.abstract = row["abstract"]
        metadata.url = row["url"]
        metadata.namespace = row["namespace"]
        if withBody {
            metadata.body = try String.fetchOne(db, sql: "SELECT body FROM reference_text WHERE rowid = ?",
                                                arguments: [row["rowid"] as Int64]) ?? ""
        }
        return Reference(
            id: row["id"], format: try StoreCoding.value(ReferenceFormat.self, row["format"], table: "reference", key: id, column: "format"), adapter: row["adapter"],
            metadata: metadata, canonicalHash: row["canonical_hash"], object: row["object"], source: row["source"],
            recordIndex: row["record_index"], ingestedAt: row["ingested_at"])
    }

    /// Turns what a user typed into an FTS5 query: each word quoted, all
    /// required. A query already in FTS5 syntax (quotes, AND/OR/NOT, NEAR,
    /// column filters, prefix stars) passes through.
    /// The core's search expression in FTS5's syntax: every word quoted, so
    /// nothing a user typed is read as an FTS5 operator.
    static func matchExpression(_ expression: SearchExpression) -> String {
        func fts(_ unit: SearchExpression.Unit) -> String {
            switch unit {
            case .word(let word, let prefix): "\"\(word)\"" + (prefix ? "*" : "")
            case .phrase(let words): "\"" + words.joined(separator: " ") + "\""
            }
        }
        let required = expression.required.map { "(" + $0.map(fts).joined(separator: " OR ") + ")" }.joined(separator: " AND ")
        return expression.excluded.reduce(required) { "(\($0)) NOT \(fts($1))" }
    }

    static func search(_ query: ReferenceQuery, db: Database) throws -> [ReferenceHit] {
        let match = matchExpression(query.expression)
        var sql = """
            SELECT r.*, bm25(reference_text, 10.0, 4.0, 6.0, 3.0, 1.0) AS score,
                   snippet(reference_text, -1, '[', ']', '…', 14) AS excerpt
            FROM reference_text JOIN reference r ON r.rowid = reference_text.rowid
            WHERE reference_text MATCH ?
            """
        var arguments: StatementArguments = [match]
        if let format = query.format {
            sql += " AND r.format = ?"
            arguments += [format.rawValue]
        }
        // Dates of any precision (2014, 2014-01, 2014-01-31) match when they overlap the range:
        // both sides are compared on the precision they share, so 2014-01 is within 2014-01-01..2014-01-31.
        if let from = query.from {
            sql += " AND r.published IS NOT NULL AND substr(r.published, 1, min(length(r.published), length(?))) >= substr(?, 1, min(length(r.published), length(?)))"
            arguments += [from, from, from]
        }
        if let to = query.to {
            sql += " AND r.published IS NOT NULL AND substr(r.published, 1, min(length(r.published), length(?))) <= substr(?, 1, min(length(r.published), length(?)))"
            arguments += [to, to, to]
        }
        if let keyword = query.keyword {
            sql += " AND EXISTS (SELECT 1 FROM reference_keyword k WHERE k.keyword = ? AND k.reference = r.rowid)"
            arguments += [keyword]
        }
        if let country = query.country {
            sql += " AND r.country = ? COLLATE NOCASE"
            arguments += [country]
        }
        sql += " ORDER BY score LIMIT ?"
        arguments += [query.limit]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            ReferenceHit(reference: try reference(row, db: db, withBody: false), rank: row["score"], snippet: row["excerpt"])
        }
    }
}

