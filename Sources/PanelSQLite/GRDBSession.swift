import Foundation
import GRDB
import GRDBSQLite
import PanelRelational

/// GRDB's connection as the relational code's SQL session: statements cached
/// by their text, values mapped one to one.
struct GRDBSession: SQLSession {
    let db: Database
    var dialect: SQLDialect { .sqlite }
    /// SQLite is in this process: reading the head costs less than keeping it right.
    func cachedHead() -> CachedHead? { nil }
    func remember(_ head: CachedHead?) {}

    private func statement(_ sql: String, _ arguments: [any SQLArgument]) throws -> Statement {
        let statement = try db.cachedStatement(sql: sql)
        statement.arguments = StatementArguments(arguments.map { Self.databaseValue($0.sqlValue) })
        return statement
    }

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws {
        try statement(sql, arguments).execute()
    }

    /// Each row's values read from SQLite's statement as it steps: no copy of each row as GRDB's
    /// `Row` first (status reads hundreds of rows, and the copies were most of reading them).
    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow] {
        let statement = try statement(sql, arguments)
        let names = statement.columnNames
        var rows: [SQLRow] = []
        let cursor = try Row.fetchCursor(statement)
        while try cursor.next() != nil {
            rows.append(Self.currentRow(of: statement, names: names))
        }
        return rows
    }

    /// The row a statement stepped to, its values as SQLite stores them.
    static func currentRow(of statement: Statement, names: [String]) -> SQLRow {
        let handle = statement.sqliteStatement
        var values: [SQLValue] = []
        values.reserveCapacity(names.count)
        for column in 0..<Int32(names.count) { values.append(sqlValue(handle, column)) }
        return SQLRow(names: names, values: values)
    }

    /// A column of the statement's current row, as SQLite stores it.
    static func sqlValue(_ handle: SQLiteStatement, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            // Text (column_text before column_bytes, as SQLite asks, so the length is the UTF-8 one).
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self))
        }
    }

    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
