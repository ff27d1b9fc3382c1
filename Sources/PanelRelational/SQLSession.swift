import PanelCore

/// One value in or out of a SQL statement: the types both stores share.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var kind: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real number"
        case .text: "text"
        case .blob: "bytes"
        }
    }
}

/// Which engine a session speaks to, for the few statements whose spelling differs.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// A table-valued expression of a JSON array column's elements, as rows with a `value` column.
    public func jsonElements(_ column: String) -> String {
        switch self {
        case .sqlite: "json_each(\(column))"
        case .postgres: "jsonb_array_elements_text(\(column)::jsonb)"
        }
    }
}

/// Something a statement can take as an argument.
public protocol SQLArgument {
    var sqlValue: SQLValue { get }
}

extension String: SQLArgument { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLArgument { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLArgument { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLArgument { public var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLArgument { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Array: SQLArgument where Element == UInt8 { public var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLArgument { public var sqlValue: SQLValue { self } }
extension Optional: SQLArgument where Wrapped: SQLArgument {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// The one thing the relational code needs from a database: run a statement
/// inside the caller's transaction, with `?` placeholders, and read its rows.
/// The SQLite store gives GRDB's connection; the PostgreSQL store its own.
/// The SQL written against it is the dialect both engines share (ON CONFLICT
/// upserts, FILTER clauses, `||`); what differs (full-text search, DDL) stays
/// in each store.
public protocol SQLSession {
    var dialect: SQLDialect { get }
    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws
    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow]
    /// The head this session's last append left in the current transaction, if it keeps it.
    func cachedHead() -> CachedHead?
    func remember(_ head: CachedHead?)
}

/// The chain head and its event's time, as the last append in this transaction left them.
public struct CachedHead: Sendable, Equatable {
    public var head: ChainHead
    public var time: String
}

extension SQLSession {
    /// The head as this session last wrote it inside the current transaction, if it keeps one
    /// (a database server is a round trip away); nil means read it.
    public func cachedHead() -> CachedHead? { nil }
    public func remember(_ head: CachedHead?) {}

    public func execute(_ sql: String) throws { try execute(sql, []) }
    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }
    public func row(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> SQLRow? { try rows(sql, arguments).first }
    public func exists(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> Bool { try !rows(sql, arguments).isEmpty }
}

/// A row read back: columns by position or name, each decoded to the type the
/// caller expects or failed loudly (never defaulted).
public struct SQLRow: Sendable {
    public let names: [String]
    public let values: [SQLValue]

    public init(names: [String], values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    public subscript(_ index: Int) -> SQLValue { values[index] }

    /// The position of a column given by position or by name.
    private func position(_ column: some SQLColumn) throws -> Int {
        guard let index = column.position(in: names) else {
            throw StoreError.undecodable(table: "query", key: "\(column)", detail: "the result has no column '\(column)'")
        }
        return index
    }

    /// The column's value as `T`, or a typed error naming the column and what it held.
    private func decode<T>(_ column: some SQLColumn, _ expected: String, _ extract: (SQLValue) -> T??) throws -> T? {
        let index = try position(column)
        guard let value = extract(values[index]) else {
            throw StoreError.undecodable(table: "query", key: names[index], detail: "expected \(expected), found \(values[index].kind)")
        }
        return value
    }

    private func required<T>(_ column: some SQLColumn, _ expected: String, _ value: T?) throws -> T {
        guard let value else {
            throw StoreError.undecodable(table: "query", key: names[try position(column)], detail: "expected \(expected), found NULL")
        }
        return value
    }

    public func optionalString(_ column: some SQLColumn) throws -> String? {
        try decode(column, "text") { value in
            switch value {
            case .null: .some(nil)
            case .text(let text): .some(text)
            default: nil
            }
        }
    }
    public func string(_ column: some SQLColumn) throws -> String { try required(column, "text", optionalString(column)) }
    public func optionalInt64(_ column: some SQLColumn) throws -> Int64? {
        try decode(column, "an integer") { value in
            switch value {
            case .null: .some(nil)
            case .integer(let integer): .some(integer)
            default: nil
            }
        }
    }
    public func int64(_ column: some SQLColumn) throws -> Int64 { try required(column, "an integer", optionalInt64(column)) }
    public func int(_ column: some SQLColumn) throws -> Int { Int(try int64(column)) }
    public func bool(_ column: some SQLColumn) throws -> Bool { try int64(column) != 0 }
    public func bytes(_ column: some SQLColumn) throws -> [UInt8] {
        try required(column, "bytes", decode(column, "bytes") { value in
            if case .blob(let bytes) = value { return .some(bytes) }
            return nil
        })
    }
}

/// A column of a row: by position or by name.
public protocol SQLColumn: CustomStringConvertible {
    func position(in names: [String]) -> Int?
}

extension Int: SQLColumn {
    public func position(in names: [String]) -> Int? { names.indices.contains(self) ? self : nil }
}

extension String: SQLColumn {
    public func position(in names: [String]) -> Int? { names.firstIndex(of: self) }
}
