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

    private func lookup(_ column: String) throws -> SQLValue {
        guard let index = names.firstIndex(of: column) else {
            throw StoreError.undecodable(table: "query", key: column, detail: "the result has no column '\(column)'")
        }
        return values[index]
    }

    private func mismatch(_ column: String, _ expected: String, _ value: SQLValue) -> StoreError {
        StoreError.undecodable(table: "query", key: column, detail: "expected \(expected), found \(value.kind)")
    }

    private static func text(_ value: SQLValue) -> String?? {
        switch value {
        case .null: .some(nil)
        case .text(let text): .some(text)
        default: nil
        }
    }

    private static func integer(_ value: SQLValue) -> Int64?? {
        switch value {
        case .null: .some(nil)
        case .integer(let integer): .some(integer)
        default: nil
        }
    }

    public func optionalString(_ index: Int) throws -> String? {
        guard let text = Self.text(values[index]) else { throw mismatch(names[index], "text", values[index]) }
        return text
    }
    public func optionalString(_ column: String) throws -> String? {
        let value = try lookup(column)
        guard let text = Self.text(value) else { throw mismatch(column, "text", value) }
        return text
    }
    public func string(_ index: Int) throws -> String {
        guard let text = try optionalString(index) else { throw mismatch(names[index], "text", .null) }
        return text
    }
    public func string(_ column: String) throws -> String {
        guard let text = try optionalString(column) else { throw mismatch(column, "text", .null) }
        return text
    }
    public func optionalInt64(_ column: String) throws -> Int64? {
        let value = try lookup(column)
        guard let integer = Self.integer(value) else { throw mismatch(column, "an integer", value) }
        return integer
    }
    public func int64(_ index: Int) throws -> Int64 {
        guard case .integer(let integer) = values[index] else { throw mismatch(names[index], "an integer", values[index]) }
        return integer
    }
    public func int64(_ column: String) throws -> Int64 {
        guard let integer = try optionalInt64(column) else { throw mismatch(column, "an integer", .null) }
        return integer
    }
    public func int(_ index: Int) throws -> Int { Int(try int64(index)) }
    public func int(_ column: String) throws -> Int { Int(try int64(column)) }
    public func bool(_ column: String) throws -> Bool { try int64(column) != 0 }
    public func bytes(_ index: Int) throws -> [UInt8] {
        guard case .blob(let bytes) = values[index] else { throw mismatch(names[index], "bytes", values[index]) }
        return bytes
    }
}
