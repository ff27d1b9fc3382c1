import Foundation
import GRDB
import PanelCore
import PanelRelational

/// What SQLite does its own way with references: the FTS5 table that holds
/// (and indexes) their text, and search over it.
enum ReferenceTable {
    static func reference(matching key: String, db: Database) throws -> Reference? {
        try ReferenceRows.matching(key, db: GRDBSession(db: db)) { try body(rowid: $0, db: db) }
    }

    /// A reference's full text, from the FTS5 table that indexes it.
    static func body(rowid: Int64, db: Database) throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM reference_text WHERE rowid = ?"), arguments: [rowid]) ?? ""
    }

    static func indexText(of reference: Reference, rowid: Int64, db: Database) throws {
        let metadata = reference.metadata
        try db.cachedStatement(sql: """
            INSERT INTO reference_text (rowid, title, authors, keywords, abstract, body) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                rowid, metadata.title, metadata.authors.map(\.name).joined(separator: "; "),
                metadata.keywords.joined(separator: "; "), metadata.abstract, metadata.body,
            ])
    }

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
        let filters = ReferenceFilters.sql(query, dialect: .sqlite)
        sql += filters.sql
        var arguments: [any SQLArgument] = [match] + filters.arguments
        sql += " ORDER BY score LIMIT ?"
        arguments.append(query.limit)
        return try GRDBSession(db: db).rows(sql, arguments).map { row in
            guard case .real(let score) = row.values[row.names.count - 2] else {
                throw StoreError.undecodable(table: "reference_text", key: match, detail: "bm25 gave no score")
            }
            return ReferenceHit(reference: try ReferenceRows.decode(row, body: ""), rank: score, snippet: try row.string(row.names.count - 1))
        }
    }
}
