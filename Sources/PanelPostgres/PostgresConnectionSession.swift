import Foundation
import Logging
import PanelCore
import PanelRelational
import PostgresNIO

/// One PostgreSQL connection, used synchronously: the store port is
/// synchronous (commands are short, one thread each), so each statement waits
/// for its answer on an event loop of NIO's own.
final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let location: PostgresLocation
    private let logger: Logger
    /// `?` placeholders turned into `$n`, once per statement text.
    private var translated: [String: String] = [:]
    /// Statements sent without waiting for their answers (writes whose result nobody reads): the
    /// connection runs them in order, and the next read, script or `flush` waits for them all and
    /// reports the first failure. A review's dozen writes cost one round trip instead of a dozen.
    private var pending: [EventLoopFuture<PostgresQueryResult>] = []
    /// The head as this session's last append left it in the current transaction (under the
    /// panel's advisory lock no one else appends); forgotten when a transaction or savepoint ends
    /// in a rollback, and when a transaction begins.
    private var head: CachedHead?

    func cachedHead() -> CachedHead? { head }
    func remember(_ head: CachedHead?) { self.head = head }

    var dialect: SQLDialect { .postgres }

    init(_ location: PostgresLocation) throws {
        self.location = location
        var logger = Logger(label: "panel.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer, .require:
            do {
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                tls = location.tls == .require ? .require(context) : .prefer(context)
            } catch {
                throw StoreError.database(path: location.description, detail: "TLS cannot be set up: \(error)")
            }
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            connection = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: 1, logger: logger).wait()
        } catch {
            throw Self.storeError(error, location: location)
        }
    }

    deinit {
        // The server ends the session (and its advisory locks) when the socket closes;
        // a connection the server already dropped has nothing left to close.
        let closing: EventLoopFuture<Void> = connection.close()
        try? closing.wait()
    }

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws {
        pending.append(send(sql, arguments))
    }

    /// Waits for every statement sent and not yet answered; throws the first failure.
    func flush() throws {
        guard !pending.isEmpty else { return }
        let sent = pending
        pending.removeAll()
        var failure: (any Error)?
        for future in sent {
            do {
                _ = try future.wait()
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw Self.storeError(failure, location: location) }
    }

    func rows(_ sql: String, _ arguments: [any SQLArgument]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        guard let first = result.rows.first else { return [] }
        let names = first.map(\.columnName)
        return try result.rows.map { row in SQLRow(names: names, values: try row.map(Self.value)) }
    }

    /// Runs statements without arguments, separated by semicolons (none may hold one in a literal).
    func script(_ sql: String) throws {
        for statement in sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
            _ = try run(String(statement), [])
        }
    }

    private func run(_ sql: String, _ arguments: [any SQLArgument]) throws -> PostgresQueryResult {
        let answer = send(sql, arguments)
        try flush()
        do {
            return try answer.wait()
        } catch {
            throw Self.storeError(error, location: location)
        }
    }

    private func send(_ sql: String, _ arguments: [any SQLArgument]) -> EventLoopFuture<PostgresQueryResult> {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqlValue {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .real(let real): bindings.append(real)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        let text: String
        if let known = translated[sql] {
            text = known
        } else {
            text = Self.numberPlaceholders(sql)
            translated[sql] = text
        }
        return connection.query(PostgresQuery(unsafeSQL: text, binds: bindings), logger: logger)
    }

    /// `?` outside quotes becomes `$1`, `$2`, ... in order.
    static func numberPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea:
                var buffer = try cell.decode(ByteBuffer.self)
                return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .text, .varchar, .name, .bpchar, .unknown: return .text(try cell.decode(String.self))
            default:
                throw StoreError.undecodable(table: "query", key: cell.columnName, detail: "PostgreSQL type \(cell.dataType) is not one the store reads")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.undecodable(table: "query", key: cell.columnName, detail: "\(error)")
        }
    }

    /// The server's own words (and SQLSTATE) for what went wrong, naming the store without its password.
    static func storeError(_ error: any Error, location: PostgresLocation) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? PSQLError else {
            return .database(path: location.description, detail: "\(error)")
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "the server refused"
            let detail = state.isEmpty ? message : "\(message) (SQLSTATE \(state))"
            // Data exceptions, integrity constraints and program limits (a body over tsvector's
            // limit, a key over an index row's): what one write held, not the server's state.
            if ["22", "23", "54"].contains(String(state.prefix(2))) { return .dataRefused(path: location.description, detail: detail) }
            return .database(path: location.description, detail: detail)
        }
        switch error.code {
        case .connectionError:
            return .database(path: location.description, detail: "cannot connect to the server (is it running, and does it accept connections here?)")
        case .serverClosedConnection:
            return .database(path: location.description, detail: "the server closed the connection")
        case .sslUnsupported:
            return .database(path: location.description, detail: "the server does not offer TLS, and sslmode=require asks for it")
        case .failedToAddSSLHandler:
            return .database(path: location.description, detail: "TLS could not be set up with the server")
        case .authMechanismRequiresPassword:
            return .database(path: location.description, detail: "the server asks for a password: set PGPASSWORD or add a line to ~/.pgpass")
        case .unsupportedAuthMechanism:
            return .database(path: location.description, detail: "the server asks for an authentication method this client does not speak")
        default:
            return .database(path: location.description, detail: "\(error.code)")
        }
    }

    /// Whether an error is one PostgreSQL asks the client to retry (serialization failure, deadlock).
    static func isRetryable(_ error: StoreError) -> Bool {
        guard case .database(_, let detail) = error else { return false }
        return detail.hasSuffix("(SQLSTATE 40001)") || detail.hasSuffix("(SQLSTATE 40P01)")
    }
}
