import Foundation
import GRDB
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

    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow] {
        let statement = try statement(sql, arguments)
        let names = statement.columnNames
        return try Row.fetchAll(statement).map { row in
            SQLRow(names: names, values: row.databaseValues.map(Self.sqlValue))
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

    static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .blob([UInt8](data))
        }
    }
}
