import PanelCore
import PanelRelational

/// Full-text search the PostgreSQL way: a weighted `tsvector` per reference
/// (title A, keywords B, authors and abstract C, body D) with a GIN index,
/// queried with the core's search expression built from tsquery functions
/// (so nothing a user typed is read as tsquery syntax), ranked by
/// `ts_rank_cd` and excerpted by `ts_headline`.
enum PostgresSearch {
    static func reference(matching key: String, db: any SQLSession) throws -> Reference? {
        try ReferenceRows.matching(key, db: db) { try body(rowid: $0, db: db) }
    }

    static func body(rowid: Int64, db: any SQLSession) throws -> String {
        try db.row("SELECT body FROM reference WHERE rowid = ?", [rowid])?.string(0) ?? ""
    }

    static func indexText(of reference: Reference, rowid: Int64, db: any SQLSession) throws {
        let metadata = reference.metadata
        try db.execute("""
            UPDATE reference SET author_names = ?, body = ?,
                search = setweight(to_tsvector('english', title), 'A')
                      || setweight(to_tsvector('english', ?), 'B')
                      || setweight(to_tsvector('english', ?), 'C')
                      || setweight(to_tsvector('english', abstract), 'C')
                      || setweight(to_tsvector('english', ?), 'D')
            WHERE rowid = ?
            """, [metadata.authors.map(\.name).joined(separator: "; "), metadata.body,
                  metadata.keywords.joined(separator: "; "), metadata.authors.map(\.name).joined(separator: "; "),
                  metadata.body, rowid])
    }

    /// The expression as tsquery functions and operators, with its arguments in order.
    static func tsquery(_ expression: SearchExpression) -> (sql: String, arguments: [any SQLArgument]) {
        var arguments: [any SQLArgument] = []
        func unit(_ unit: SearchExpression.Unit) -> String {
            switch unit {
            case .word(let word, prefix: true):
                // A prefix: the word's lexemes, the last one a prefix (letters and digits only reach to_tsquery).
                let cleaned = word.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? String($0) : " " }
                    .joined().split(separator: " ")
                arguments.append(cleaned.isEmpty ? "" : cleaned.joined(separator: " <-> ") + ":*")
                return "to_tsquery('english', ?)"
            case .word(let word, prefix: false):
                arguments.append(word)
                return "phraseto_tsquery('english', ?)"
            case .phrase(let words):
                arguments.append(words.joined(separator: " "))
                return "phraseto_tsquery('english', ?)"
            }
        }
        var sql = expression.required.map { "(" + $0.map(unit).joined(separator: " || ") + ")" }.joined(separator: " && ")
        for excluded in expression.excluded { sql = "(\(sql)) && !!\(unit(excluded))" }
        return (sql, arguments)
    }

    static func search(_ query: ReferenceQuery, db: any SQLSession) throws -> [ReferenceHit] {
        let expression = tsquery(query.expression)
        let columns = ReferenceRows.columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var sql = """
            WITH q AS (SELECT \(expression.sql) AS query)
            SELECT \(columns.joined(separator: ", ")),
                   -ts_rank_cd('{0.1, 0.3, 0.6, 1.0}', r.search, q.query) AS score,
                   ts_headline('english', r.title || '. ' || r.abstract || ' ' || r.body, q.query,
                               'StartSel=[, StopSel=], MaxWords=14, MinWords=6, MaxFragments=1, FragmentDelimiter=…') AS excerpt
            FROM reference r, q
            WHERE r.search @@ q.query
            """
        let filters = ReferenceFilters.sql(query, dialect: .postgres)
        sql += filters.sql
        var arguments = expression.arguments + filters.arguments
        sql += " ORDER BY score, r.rowid LIMIT ?"
        arguments.append(query.limit)
        return try db.rows(sql, arguments).map { row in
            guard case .real(let score) = row.values[row.names.count - 2] else {
                throw StoreError.undecodable(table: "reference", key: "search", detail: "ts_rank_cd gave no score")
            }
            return ReferenceHit(reference: try ReferenceRows.decode(row, body: ""), rank: score, snippet: try row.string(row.names.count - 1))
        }
    }
}
